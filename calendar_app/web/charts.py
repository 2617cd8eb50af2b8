"""Bar chart geometry for server-side SVG (pure Python: numbers in, rectangles out).

The template draws the rectangles; nothing here knows HTML, so every label reaches the
page through the template's escaping. Works offline, needs no JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 720
HEIGHT = 240
BOTTOM = 24  # room for the year labels
TOP = 16  # room for the totals


@dataclass(frozen=True)
class Segment:
    series: str  # a CSS-safe key (`europe`, `none`)
    label: str
    value: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    label: str  # the year
    total: int
    x: float
    width: float
    segments: list[Segment]

    @property
    def middle(self) -> float:
        return self.x + self.width / 2

    @property
    def top(self) -> float:
        return min((s.y for s in self.segments), default=HEIGHT - BOTTOM)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    bars: list[Bar]


def stacked_bars(
    columns: list[str], series: list[tuple[str, str]], values: dict[tuple[str, str], int]
) -> Chart:
    """One bar per column, stacked by series (`(key, label)`, bottom first);
    `values[(column, key)]` is a count."""
    totals = [sum(values.get((c, key), 0) for key, _ in series) for c in columns]
    peak = max(totals, default=0) or 1
    plot = HEIGHT - BOTTOM - TOP
    slot = WIDTH / max(len(columns), 1)
    bars = []
    for column, total, n in zip(columns, totals, range(len(columns)), strict=True):
        y = float(HEIGHT - BOTTOM)
        segments = []
        for key, label in series:
            value = values.get((column, key), 0)
            if value:
                height = plot * value / peak
                y -= height
                segments.append(Segment(key, label, value, round(y, 2), round(height, 2)))
        x, width = round(n * slot + slot * 0.15, 2), round(slot * 0.7, 2)
        bars.append(Bar(column, total, x, width, segments))
    return Chart(WIDTH, HEIGHT, HEIGHT - BOTTOM, bars)
