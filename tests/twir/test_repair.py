import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_app.twir import repair_text
from tests.twir.helpers import CLEAN, SEEDS, damage, read


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ("\uf8ffü¶Ä", "🦀"),
        ("ü¶Ä", "🦀"),  # the U+F8FF lead lost on the way
        ("ðŸ¦€", "🦀"),
        ("N√ºrnberg", "Nürnberg"),
        ("NÃ¼rnberg", "Nürnberg"),
        ("‚Äì", "–"),
        ("â€“", "–"),
        ("‚ö°", "⚡"),
        ("Wroc≈Çaw", "Wrocław"),
        ("GdaÅ„sk", "Gdańsk"),
        ("dziaÅ‚ajÄ…cych", "działających"),
        ("Stacja IT Krak√≥w", "Stacja IT Kraków"),
        ("Goodbye\uf8ffüëã", "Goodbye👋"),
        ("ÃƒÂ©", "é"),  # damaged twice
        ("Nürnberg and N√ºrnberg", "Nürnberg and Nürnberg"),  # clean and damaged side by side
    ],
)
def test_repairs_both_code_pages(damaged, clean):
    assert repair_text(damaged) == clean


@pytest.mark.parametrize(
    "text",
    [
        "√2 ≈ 1.41",
        "l’été à Paris",
        "“Über” uns",
        "Küçük üçün",
        "µµµµµµ",
        "Spaß“",
        "CAFÉ…",
        "√",
        "🦀 – ’",
    ],
)
def test_leaves_legitimate_text_alone(text):
    assert repair_text(text) == text


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_files_come_back_byte_for_byte(path):
    text = read(path)
    assert repair_text(text) == text


@pytest.mark.parametrize("codec", ["cp1252", "mac_roman"])
@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_damaged_copies_are_restored(path, codec):
    text = read(path)
    assert repair_text(damage(text, codec)) == text


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seeds_lose_every_mojibake_marker(path):
    text = read(path)
    repaired = repair_text(text)
    for marker in ("√", "Ã", "ðŸ", "\uf8ff", "‚Ä", "â€", "≈"):
        assert marker not in repaired
    assert repaired.count("\n") == text.count("\n")
    assert "🦀" in repaired and "Nürnberg" in repaired


@given(st.text())
def test_idempotent_and_keeps_lines(text):
    once = repair_text(text)
    assert repair_text(once) == once
    assert once.count("\n") == text.count("\n")


@given(st.text(alphabet=st.characters(codec="utf-8")), st.sampled_from(["cp1252", "mac_roman"]))
def test_damage_of_any_text_keeps_line_count(text, codec):
    assert repair_text(damage(text, codec)).count("\n") == text.count("\n")
