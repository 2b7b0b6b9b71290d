"""The score-over-time chart's geometry."""

from datetime import datetime, timedelta

from service.web.charts import score_chart

T = datetime(2025, 3, 1, 9, 0)


def test_nothing_to_draw_without_a_score():
    assert score_chart([]) is None
    assert score_chart([(T, None, None)]) is None


def test_higher_scores_are_drawn_higher_and_later_ones_further_right():
    chart = score_chart(
        [(T, 0.70, None), (T + timedelta(hours=1), 0.80, 0.75), (T + timedelta(days=2), 0.90, None)]
    )
    public = chart["series"][0]["points"]
    xs, ys = [p[0] for p in public], [p[1] for p in public]
    assert xs == sorted(xs) and xs[0] == chart["left"] and xs[-1] == chart["right"]
    assert ys == sorted(ys, reverse=True)  # SVG's y grows downwards
    assert all(chart["top"] <= y <= chart["bottom"] for y in ys)
    assert [s["name"] for s in chart["series"]] == ["Public score", "Private score"]


def test_axis_ticks_are_round_and_cover_every_score():
    chart = score_chart([(T, 0.812, None), (T + timedelta(minutes=5), 0.871, None)])
    labels = [float(label) for _, label in chart["y_ticks"]]
    assert labels[0] <= 0.812 and labels[-1] >= 0.871 and 3 <= len(labels) <= 8
    steps = {round(b - a, 6) for a, b in zip(labels, labels[1:])}
    assert len(steps) == 1


def test_submissions_at_the_same_instant_are_spread_evenly():
    chart = score_chart([(T, 0.7, None), (T, 0.8, None)])
    xs = [p[0] for p in chart["series"][0]["points"]]
    assert xs[0] < xs[1]
