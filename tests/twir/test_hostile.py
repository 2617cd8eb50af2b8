"""Whatever the input, the parser does not raise (mutated entry lines: test_mutations)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_app.twir import parse_newsletter, repair_text
from tests.twir.helpers import newsletter


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


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_repair_is_idempotent(text):
    once = repair_text(text)
    assert repair_text(once) == once
