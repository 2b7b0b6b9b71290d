"""The score-over-time chart's geometry."""

import re
from datetime import datetime, timedelta

from service.results.feedback import format_score
from service.web.charts import score_chart

T = datetime(2025, 3, 1, 9, 0)


def test_nothing_to_draw_without_a_score():
    assert score_chart([]) is None
    assert score_chart([(T, None, None, False)]) is None


def test_higher_scores_are_drawn_higher_and_later_ones_further_right():
    chart = score_chart(
        [
            (T, 0.70, None, False),
            (T + timedelta(hours=1), 0.80, 0.75, False),
            (T + timedelta(days=2), 0.90, None, False),
        ]
    )
    public = chart["series"][0]["points"]
    xs, ys = [p[0] for p in public], [p[1] for p in public]
    assert xs == sorted(xs) and xs[0] == chart["left"] and xs[-1] == chart["right"]
    assert ys == sorted(ys, reverse=True)  # SVG's y grows downwards
    assert all(chart["top"] <= y <= chart["bottom"] for y in ys)
    assert [s["name"] for s in chart["series"]] == ["Public score", "Private score"]


def test_axis_ticks_are_round_and_cover_every_score():
    chart = score_chart([(T, 0.812, None, False), (T + timedelta(minutes=5), 0.871, None, False)])
    labels = [float(label) for _, label in chart["y_ticks"]]
    assert labels[0] <= 0.812 and labels[-1] >= 0.871 and 3 <= len(labels) <= 8
    steps = {round(b - a, 6) for a, b in zip(labels, labels[1:])}
    assert len(steps) == 1


def test_submissions_at_the_same_instant_are_spread_evenly():
    chart = score_chart([(T, 0.7, None, False), (T, 0.8, None, False)])
    xs = [p[0] for p in chart["series"][0]["points"]]
    assert xs[0] < xs[1]


def labels_of(chart) -> list[float]:
    return [float(label) for _, label in chart["y_ticks"]]


def test_scores_outside_zero_to_one_get_an_axis_of_their_own_scale():
    rmse = [78.2, 66.1, 54.3, 51.0]
    chart = score_chart([(T + timedelta(hours=i), v, None, False) for i, v in enumerate(rmse)])
    labels = labels_of(chart)
    assert labels[0] <= min(rmse) and labels[-1] >= max(rmse) and 3 <= len(labels) <= 8
    assert {round(b - a, 6) for a, b in zip(labels, labels[1:])} == {10.0}
    assert all(re.fullmatch(r"[0-9]+0", label) for _, label in chart["y_ticks"])  # whole tens, no ".0"
    ys = [p[1] for p in chart["series"][0]["points"]]
    assert all(chart["top"] <= y <= chart["bottom"] for y in ys) and ys == sorted(ys)  # falling RMSE: lower


def test_one_rmse_alone_is_drawn_inside_a_round_range_around_it():
    labels = labels_of(score_chart([(T, 54.3, None, False)]))
    assert labels[0] < 54.3 < labels[-1] and labels[-1] - labels[0] < 5


def test_an_axis_stays_within_zero_and_one_only_while_every_score_does():
    inside = labels_of(score_chart([(T, 0.02, None, False), (T + timedelta(minutes=1), 0.99, None, False)]))
    assert (inside[0], inside[-1]) == (0.0, 1.0)
    below_zero = labels_of(
        score_chart([(T, -0.35, None, False), (T + timedelta(minutes=1), 0.6, None, False)])
    )
    assert below_zero[0] <= -0.35 and below_zero[-1] >= 0.6
    above_one = labels_of(score_chart([(T, 0.4, None, False), (T + timedelta(minutes=1), 1.7, None, False)]))
    assert above_one[0] >= 0.0 and above_one[-1] >= 1.7  # a loss above 1 is drawn; none goes below 0


def test_tick_labels_show_every_digit_of_a_quarter_step():
    chart = score_chart([(T, 0.05, None, False), (T + timedelta(minutes=1), 0.95, None, False)])
    assert [label for _, label in chart["y_ticks"]] == ["0.00", "0.25", "0.50", "0.75", "1.00"]


def test_scores_near_the_largest_float_are_drawn_at_the_edge_and_labelled_as_they_are():
    worst = -1.7976931348623157e308
    chart = score_chart([(T, -0.00012, None, False), (T + timedelta(minutes=1), worst, -1e300, False)])
    [public, private] = chart["series"]
    assert all(chart["top"] <= py <= chart["bottom"] for _, py, *_ in public["points"] + private["points"])
    assert public["points"][1][2].endswith("UTC: " + format_score(worst))  # the real value, labelled


def test_a_late_point_says_so_and_is_drawn_apart():
    chart = score_chart([(T, 0.7, None, False), (T + timedelta(hours=1), 0.8, None, True)])
    on_time, late = chart["series"][0]["points"]
    assert (on_time[3], late[3]) == (False, True)
    assert "late" in late[2] and "late" not in on_time[2]
