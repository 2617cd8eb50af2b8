import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_app.twir import canonical_url, is_event_specific, is_safe_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://www.meetup.com/es-ES/BcnRust/events/297439924/?aff=x&utm_source=y",
            "https://meetup.com/bcnrust/events/297439924",
        ),
        (
            "http://WWW.Meetup.com/fr-FR/belgium-rust-user-group/",
            "https://meetup.com/belgium-rust-user-group",
        ),
        ("https://www.meetup.com/de-DE/rust-zurich/", "https://meetup.com/rust-zurich"),
        ("https://www.meetup.com/Stockholm-Rust/", "https://meetup.com/stockholm-rust"),
        (
            "https://meet.jit.si/RustHackAndLearnBerlin",
            "https://meet.jit.si/rusthackandlearnberlin",
        ),
        ("https://discord.gg/yNtPTb2", "https://discord.gg/yNtPTb2"),  # invite codes keep case
        ("rustconf.com", "https://rustconf.com"),
        ("https://rustconf.com/", "https://rustconf.com"),
        ("https://example.com/a/?b=2&a=1&fbclid=z&ref=tw#top", "https://example.com/a?a=1&b=2"),
        (
            "https://www.eventbrite.ca/e/day-2-tickets-794994147897?aff=ebdsoporgprofile",
            "https://eventbrite.com/e/day-2-tickets-794994147897",
        ),
        (
            "https://www.google.com/url?q=https://discord.gg/yNtPTb2&sa=D&source=calendar",
            "https://discord.gg/yNtPTb2",
        ),
        ("https://lu.ma/1bm27cah", "https://luma.com/1bm27cah"),
        ("https://example.com:443/x", "https://example.com/x"),
        # utm_* go on any host, whatever their case; what names the event stays
        (
            "https://example.com/event?id=42&utm_source=twir&UTM_Medium=email&utm_campaign=x",
            "https://example.com/event?id=42",
        ),
        ("https://zoom.us/j/8123?utm_content=a&pwd=Xy1", "https://zoom.us/j/8123?pwd=Xy1"),
        ("https://lu.ma/rust-nyc?utm_source=twir", "https://luma.com/rust-nyc"),
    ],
)
def test_canonical_form(url, canonical):
    assert canonical_url(url) == canonical


def test_keeps_other_schemes_untouched():
    assert (
        canonical_url("mailto:community-team@rust-lang.org")
        == "mailto:community-team@rust-lang.org"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://www.meetup.com/rust-berlin/events/298633271/",
        "https://www.meetup.com/dallasrust/events/fkmcntygcnbdc/",
        "https://meetu.ps/e/Mvx2B/qKLnL/i",
        "https://lu.ma/1bm27cah",
        "https://luma.com/nwfmsdtf",
        "https://www.linkedin.com/events/rustmeetupbremen-17153350929486868481/",
        "https://mobilizon.fr/events/b8577678-d072-4d9a-9562-974715f1dfbb",
        "https://hasgeek.com/rustbangalore/october-2024-rustacean-meetup/",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share",
        "https://www.youtube.com/live/dQw4w9WgXcQ",
        "https://www.google.com/calendar/event?eid=ZXZlbnQ",
        "https://calendar.google.com/calendar/event?eid=ZXZlbnQ&ctz=Europe/Berlin",
    ],
)
def test_event_specific(url):
    assert is_event_specific(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://meet.jit.si/RustHackAndLearnBerlin",  # the Berlin Jitsi room
        "https://www.eventbrite.com/o/rust-circle-kampala-65249289033",  # the Rust Circle page
        # ... and the Rust Circle event page, listed for 2023-12-02, 2024-02-03 and 2024-11-02
        "https://www.eventbrite.com/e/rust-circle-meetup-tickets-628763176587",
        "https://www.eventbrite.com/cc/rust-live-1876809",
        "https://discord.gg/yNtPTb2",
        "https://rustconf.com/",
        "rustconf.com",
        "https://berline.rs/2024/12/19/rust-hack-and-learn.html",
        "https://berline.rs/",
        "https://www.meetup.com/rust-berlin/",
        "https://www.meetup.com/rust-paris/events/",
        "https://www.meetup.com/rust-paris/events/past/",
        "https://luma.com/rust-girona",
        "https://www.youtube.com/@bcnrust",
        # the video or the calendar event is in the query: without it, no event
        "https://www.youtube.com/watch",
        "https://www.youtube.com/watch?feature=share",
        "https://www.google.com/calendar/event?action=TEMPLATE&text=Rust",
        "https://fosdem.org/2024/schedule/track/rust/",
        "https://hasgeek.com/rustbangalore",
        "not a url at all",
        "https://[::1",
    ],
)
def test_generic(url):
    assert not is_event_specific(url)


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://www.meetup.com/rust-berlin/", True),
        ("http://berline.rs/", True),
        ("javascript:alert(1)", False),
        ("  JaVaScRiPt:alert(5)", False),
        ("java\tscript:alert(6)", False),
        ("vbscript:msgbox(8)", False),
        ("data:text/html,hi", False),
        ("rustconf.com", False),
        ("https://", False),
        ("mailto:x@example.com", False),
        ("https://[::1", False),
    ],
)
def test_safe(url, safe):
    assert is_safe_url(url) is safe


@given(st.text())
def test_never_raises_and_is_idempotent(url):
    canonical = canonical_url(url)
    assert canonical_url(canonical) == canonical
    is_event_specific(url)
    is_safe_url(url)
