"""Whatever the input, the parser does not raise and accounts for every entry line."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_app.twir import parse_newsletter, repair_text
from tests.twir.helpers import ALL_SAMPLES, entry_line_numbers, newsletter, read

REAL_LINES = [
    line
    for path in ALL_SAMPLES
    for line in read(path).split("\n")
    if line.lstrip().startswith(("* 20", "- 20", "* [", "  * [", "    * ["))
]
NOISE = st.sampled_from(
    list("|[]()*-+&;,/$#<>!`\\\t\u200b\u00a0 ") + ["](", "**", "<!--", "-->", "\n", "√", "Ã", "🦀"]
)


@st.composite
def mangled_line(draw):
    """A real entry or title line with characters cut, repeated or inserted."""
    chars = list(draw(st.sampled_from(REAL_LINES)))
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(chars)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            chars.insert(position, draw(NOISE))
        elif chars and position < len(chars):
            if action == "delete":
                del chars[position]
            else:
                chars.insert(position, chars[position])
    return "".join(chars)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text):
    result = parse_newsletter(text)
    assert len({e.line for e in result.entries}) == len(result.entries)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_section_body_never_raises(body):
    result = parse_newsletter(newsletter(body))
    assert result.has_events_section


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mangled_line(), min_size=1, max_size=12))
def test_mangled_entries_are_all_accounted_for(lines):
    body = "\n".join(line for line in lines if "<!--" not in line and "-->" not in line)
    text = newsletter("### Europe\n" + body)
    result = parse_newsletter(text)
    lines = repair_text(text).split("\n")
    bullets = entry_line_numbers(repair_text(text))
    titles = {line for e in result.entries for line in e.raw.split("\n")[1:]}
    # each bullet is an entry, or the title line of the entry above (its indent lost)
    assert [e.line for e in result.entries if e.line in bullets] == [
        n for n in bullets if n in {e.line for e in result.entries} or lines[n - 1] not in titles
    ]
    for entry in result.entries:
        if entry.line not in bullets:  # an indented line with no entry above it
            assert [p.kind for p in entry.problems] == ["unparsed"]
        assert entry.ok or [p.kind for p in entry.problems] == ["unparsed"]
        if entry.ok:
            assert entry.end_date >= entry.start_date


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_repair_is_idempotent(text):
    once = repair_text(text)
    assert repair_text(once) == once
