"""The score-over-time chart, laid out in Python and drawn as inline SVG by a template.

Only numbers and short labels leave this module; the template escapes the labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from service.results.feedback import format_score

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40  # margins for the axis labels
NICE_STEPS = (1, 2, 2.5, 5)  # each times a power of ten: 0.025, 0.5, 10, 250...
# Scores beyond it (an R² of -1e300) are drawn at it, and still labelled with their value: an axis
# that reached them would overflow, and would flatten every other point anyway.
DRAWN_LIMIT = 1e12


def score_chart(entries: Sequence[tuple[datetime, float | None, float | None, bool]]) -> dict | None:
    """Geometry of the chart of (time, public score, private score or None, late), oldest first;
    a late point is drawn apart and says so.

    None when there is nothing to draw. Times are spread by their instants; when they
    are all equal (one submission), the points are spread evenly instead.
    """
    values = [_drawn(v) for _, public, private, _ in entries for v in (public, private) if v is not None]
    if not values:
        return None
    low, high, step = _y_range(min(values), max(values))
    times = [t.timestamp() for t, *_ in entries]
    first, span = min(times), max(times) - min(times)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        if span == 0:
            return LEFT + plot_w * ((i + 0.5) / len(entries) if len(entries) > 1 else 0.5)
        return LEFT + plot_w * (times[i] - first) / span

    def y(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    series = []
    for name, css, column in (("Public score", "public", 1), ("Private score", "private", 2)):
        points = [
            (
                round(x(i), 1),
                round(y(_drawn(e[column])), 1),
                f"{e[0]:%Y-%m-%d %H:%M} UTC: {format_score(e[column])}"
                + (" (late: not ranked)" if e[3] else ""),
                e[3],
            )
            for i, e in enumerate(entries)
            if e[column] is not None
        ]
        if points:
            path = "M" + " L".join(f"{px} {py}" for px, py, *_ in points)
            series.append({"name": name, "css": css, "points": points, "path": path})
    ticks = [low + k * step for k in range(round((high - low) / step) + 1)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "series": series,
        "y_ticks": [(round(y(t), 1), f"{t:.{_decimals(step)}f}") for t in ticks],
        "x_ticks": _x_ticks(entries, x),
    }


def _drawn(value: float) -> float:
    return min(max(value, -DRAWN_LIMIT), DRAWN_LIMIT)


def _y_range(low: float, high: float) -> tuple[float, float, float]:
    """Axis limits on round values around [low, high], with about five ticks.

    Scores that all lie in [0, 1] (AUC, accuracy...) keep the axis within it; others (an RMSE of 54.3,
    an R² below zero) get steps of the same shapes scaled by a power of ten, and an axis that goes
    below zero only if a score does.
    """
    unit = 0.0 <= low and high <= 1.0
    # A margin above and below the extreme points; one point alone gets a span in its own scale.
    spread = max(high - low, 0.02 * (1.0 if unit else max(1.0, abs(low), abs(high)))) * 1.2
    step = _nice_step(spread / 5)
    middle = (low + high) / 2
    bottom = math.floor((middle - spread / 2) / step) * step
    top = math.ceil((middle + spread / 2) / step) * step
    if low >= 0.0:
        bottom = max(0.0, bottom)
    if unit:
        top = min(1.0, top)
        if top <= bottom:
            bottom, top = max(0.0, top - step), min(1.0, bottom + step)
    return round(bottom, 9), round(top, 9), step


def _nice_step(least: float) -> float:
    """The smallest of NICE_STEPS times a power of ten that is at least `least`."""
    power = 10.0 ** math.floor(math.log10(least))
    return next(
        float(f"{m * scale:.6g}") for scale in (power, power * 10) for m in NICE_STEPS if m * scale >= least
    )


def _decimals(step: float) -> int:
    """Digits after the point that label every multiple of `step` exactly: 2 for 0.25, 0 for 10."""
    return next(d for d in range(10) if abs(round(step, d) - step) < 1e-9 * max(1.0, step))


def _x_ticks(entries, x) -> list[tuple[float, str]]:
    if len(entries) == 1:
        return [(round(x(0), 1), f"{entries[0][0]:%b %d %H:%M}")]
    same_day = entries[0][0].date() == entries[-1][0].date()
    fmt = "%H:%M:%S" if same_day else "%b %d %H:%M"
    return [(round(x(i), 1), f"{entries[i][0]:{fmt}}") for i in (0, len(entries) - 1)]
