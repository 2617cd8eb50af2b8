"""From the bytes of a file to text the readers can trust.

A newsletter reaches us as UTF-8, UTF-8 with a BOM, UTF-16 with a BOM (an editor's
"Unicode" save), or an old single-byte code page; with LF, CRLF or CR-only line ends.
A CR-only file read as LF text is one long header line whose "number" would be the
last digits of the whole file, so line ends are normalised before anything else.

Control characters (NUL, DEL, form feed, NEL, the C0 and C1 ranges) have no meaning in
an event's title or link, and each of them breaks a consumer downstream (the iCalendar
writer, XML feeds, PostgreSQL text): readers drop them from everything they emit, by the
one rule in calendar_app/text.py.
"""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_newsletter(data: bytes) -> str:
    """The text of a file: a BOM decides the encoding; else UTF-8; else Windows-1252.
    Never raises: an undecodable byte becomes U+FFFD."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def normalise_line_ends(text: str) -> str:
    """No BOM, and `\\n` only: CRLF -> LF; a CR-only file's CRs -> LF; a CR left alone
    inside a line of an LF file (a pasted link) is dropped, so line numbers stay those
    an editor shows."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    lone_crs = text.count("\r")
    if not lone_crs:
        return text
    if lone_crs > text.count("\n"):  # CR is this file's line end
        return text.replace("\r", "\n")
    return text.replace("\r", "")
