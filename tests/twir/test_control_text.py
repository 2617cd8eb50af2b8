"""The one rule for control characters (calendar_app.text), as each caller keeps it."""

from calendar_app.calendars.text import strip_controls as calendar_strip
from calendar_app.rendering.plain_text import printable
from calendar_app.text import one_line, strip_controls

HOSTILE = "Rust\x00 meetup\x7f\x85 in\u202e Berlin\u2028\tnow\r\nthen\x0c"


def test_readers_keep_tab_and_line_feed():
    assert strip_controls(HOSTILE) == "Rust meetup in Berlin\tnow\nthen"


def test_a_calendar_reader_keeps_its_line_ends_and_says_it_stripped():
    assert calendar_strip(HOSTILE) == ("Rust meetup in Berlin\tnow\r\nthen", True)
    assert calendar_strip("plain\r\n") == ("plain\r\n", False)


def test_one_line_makes_breaks_spaces():
    assert one_line(HOSTILE) == "Rust meetup in Berlin now then"


def test_the_feed_makes_text_printable():
    assert printable(HOSTILE) == "Rust meetup in Berlin now then"
    assert printable(HOSTILE, multiline=True) == "Rust meetup in Berlin\tnow\nthen"
    assert printable("a\rb", multiline=True) == "a\nb"
