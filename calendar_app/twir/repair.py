"""Undo mojibake: UTF-8 text that was once decoded as Windows-1252 or Mac OS Roman.

The damage turns each non-ASCII character into a run of two to four non-ASCII
characters (`ü` -> `Ã¼` or `√º`). We work per run of non-ASCII characters: map the
run back to bytes with the suspected code page and decode it as UTF-8. ASCII is
identical in all three encodings, so newlines and line numbers never move.

Clean text must survive untouched, so a decoding is accepted only when it yields
plausible characters, and a "weak" decoding (one that could be a coincidence, such
as `’é` -> an Armenian letter) only when the same code page has left unmistakable
marks elsewhere in the text. The result is a fixed point: repairing twice changes
nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_REJECTED_CATEGORIES = {"Cc", "Cs", "Co", "Zl", "Zp"}
# Kept although rejected by category: the Apple logo (what Mac OS Roman makes of the
# lead byte 0xF0) and the C1 controls cp1252 leaves undefined, so that text damaged
# twice comes back in two steps. None of them is a line break.
_DAMAGE_INTERMEDIATES = {"\uf8ff", "\x81", "\x8d", "\x8f", "\x90", "\x9d"}
_EMOJI = range(0x1F000, 0x1FB00)


def _byte_table(codec: str) -> dict[str, int]:
    """Character -> byte for the high half of a single-byte code page."""
    table = {}
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            char = chr(byte)  # undefined in cp1252: sloppy decoders (ftfy) keep the C1 control
        table[char] = byte
    return table


_TABLES = {"cp1252": _byte_table("cp1252"), "mac_roman": _byte_table("mac_roman")}
# Mac OS Roman maps the 4-byte lead 0xF0 to U+F8FF (the Apple logo), which some tools
# drop: `ü¶Ä` is what is left of a damaged 🦀.
_LEAD_MAY_BE_LOST = {"mac_roman"}


@dataclass(frozen=True)
class _Decoded:
    text: str
    strong: bool  # unlikely to be a coincidence in clean text


def _is_continuation(byte: int | None) -> bool:
    return byte is not None and 0x80 <= byte <= 0xBF


def _sequence_length(lead: int | None) -> int:
    if lead is None or not 0xC2 <= lead <= 0xF4:
        return 0
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _decode_bytes(raw: list[int | None]) -> str | None:
    if not all(_is_continuation(b) for b in raw[1:]):
        return None
    try:
        return bytes(raw).decode("utf-8")  # type: ignore[arg-type]
    except UnicodeDecodeError:
        return None


def _is_strong(char: str) -> bool:
    """Latin letters, punctuation, symbols and emoji: what damaged TWIR text is made of."""
    code = ord(char)
    return 0xA0 <= code <= 0x17F or 0x2000 <= code <= 0x2BFF or code in _EMOJI


def _sequence_at(
    run: str, i: int, table: dict[str, int], lead_may_be_lost: bool
) -> tuple[str, int, bool] | None:
    """The character encoded by the damaged sequence at run[i], its length, and whether
    that guess is strong on its own."""
    size = _sequence_length(table.get(run[i]))
    if size and i + size <= len(run):
        char = _decode_bytes([table.get(c) for c in run[i : i + size]])
        if char:
            return char, size, _is_strong(char)
    if lead_may_be_lost and i + 3 <= len(run):
        char = _decode_bytes([0xF0, *(table.get(c) for c in run[i : i + 3])])
        if char and ord(char) in _EMOJI:
            # `ü¶Ä` is no word, but `üçü` (Turkish) also decodes to an emoji
            return char, 3, not run[i : i + 3].isalpha()
    return None


def _plausible(char: str, base: str, base_decoded: bool) -> bool:
    if char in _DAMAGE_INTERMEDIATES:
        return True
    category = unicodedata.category(char)
    if category in _REJECTED_CATEGORIES:
        return False
    if category == "Cn":  # unassigned here, but new emoji postdate Python's Unicode tables
        return ord(char) in _EMOJI
    if category.startswith("M"):  # a combining mark needs something to combine with
        return base_decoded or base.isalpha()
    return True


def _decode_run(run: str, before: str, codec: str) -> _Decoded | None:
    """Decode every damaged sequence of a run; None when nothing in it decodes."""
    table = _TABLES[codec]
    out: list[str] = []
    decoded_flags: list[bool] = []
    strong = False
    i = 0
    while i < len(run):
        found = _sequence_at(run, i, table, codec in _LEAD_MAY_BE_LOST)
        base = out[-1] if out else before
        base_decoded = bool(decoded_flags) and decoded_flags[-1]
        if found and _plausible(found[0], base, base_decoded):
            char, size, strong_guess = found
            strong = strong or strong_guess
            out.append(char)
            decoded_flags.append(True)
            i += size
        else:
            out.append(run[i])
            decoded_flags.append(False)
            i += 1
    if not any(decoded_flags):
        return None
    return _Decoded("".join(out), strong)


def _repair_once(text: str) -> str:
    runs = list(_NON_ASCII.finditer(text))
    options: list[dict[str, _Decoded]] = []
    evidence: Counter[str] = Counter()
    for match in runs:
        before = text[match.start() - 1] if match.start() else ""
        decoded = {}
        for codec in _TABLES:
            result = _decode_run(match.group(), before, codec)
            if result:
                decoded[codec] = result
                evidence[codec] += result.strong
        options.append(decoded)

    pieces: list[str] = []
    last = 0
    for match, decoded in zip(runs, options, strict=True):
        usable = [codec for codec in decoded if evidence[codec]]
        if not usable:
            continue
        codec = max(usable, key=lambda c: (decoded[c].strong, evidence[c]))
        pieces.append(text[last : match.start()])
        pieces.append(decoded[codec].text)
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def repair_text(text: str) -> str:
    """Repair Windows-1252 and Mac OS Roman mojibake; clean text comes back unchanged."""
    while True:
        repaired = _repair_once(text)
        if repaired == text:  # every change shortens the text, so this terminates
            return text
        text = repaired
