"""Charts: a tidy DataFrame from `queries` in, an `alt.Chart` out.

This module owns the channel colours and their order, so that "letter" is the same blue on
every chart of the app. The palette is Okabe–Ito, which stays distinguishable for the
common forms of colour blindness.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from uadash.queries import CHANNELS, Bucket, Period

CHANNEL_COLOURS: dict[str, str] = {
    "letter": "#0072B2",  # blue
    "email": "#E69F00",  # orange
    "call": "#009E73",  # green
    "tweet": "#56B4E9",  # sky blue
    "fax": "#CC79A7",  # reddish purple
}
CHANNEL_LABELS: dict[str, str] = {
    "letter": "Letter",
    "email": "Email",
    "call": "Call",
    "tweet": "Tweet",
    "fax": "Fax",
}
AnyChart = alt.Chart | alt.LayerChart

# Targets, in the case's order: hues far apart (Okabe–Ito again, leaving out the two that
# read as a pair next to each other), so two officials are never two similar reds.
TARGET_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
NO_TARGET_COLOUR = "#8C8C8C"
NO_TARGET = "no target given"

ROLE_DASH = {"primary": [1, 0], "cc": [6, 3], "none": [2, 2]}

_BUCKET_FORMAT = {Bucket.day: "%d %b %Y", Bucket.week: "week of %d %b %Y", Bucket.month: "%B %Y"}
# Weeks carry their year: a case's whole campaign often spans a new year.
_BUCKET_AXIS = {Bucket.day: "%d %b", Bucket.week: "%d %b %Y", Bucket.month: "%b %Y"}


def channel_colour(title: str = "Channel") -> alt.Color:
    """The colour encoding every chart uses for channels: fixed order, fixed colours."""
    return alt.Color(
        "channel:N",
        title=title,
        scale=alt.Scale(domain=CHANNELS, range=[CHANNEL_COLOURS[c] for c in CHANNELS]),
        sort=CHANNELS,
        legend=alt.Legend(orient="top", labelExpr=_label_expr(CHANNEL_LABELS)),
    )


def target_colour(frame: pd.DataFrame, *, legend: bool = True) -> alt.Color:
    """The one colour scale for targets: the first target blue, the second vermilion …, and
    "no target given" grey, the same on every chart of a case. `frame` has target and
    target_key, whose order is the case file's."""
    ordered = frame.sort_values("target_key", kind="stable") if "target_key" in frame else frame
    targets = list(ordered["target"])
    named = [t for t in dict.fromkeys(targets) if t != NO_TARGET]
    colours = [TARGET_COLOURS[i % len(TARGET_COLOURS)] for i in range(len(named))]
    domain, colour_range = named, colours
    if NO_TARGET in targets:
        domain, colour_range = [*named, NO_TARGET], [*colours, NO_TARGET_COLOUR]
    return alt.Color(
        "target:N",
        title="Target",
        scale=alt.Scale(domain=domain, range=colour_range),
        sort=domain,
        legend=alt.Legend(orient="top") if legend else None,
    )


def _label_expr(labels: dict[str, str]) -> str:
    cases = " : ".join(f"datum.value === '{key}' ? '{value}'" for key, value in labels.items())
    return f"{cases} : datum.value"


def _channel_order() -> alt.Order:
    # Stack letters at the bottom, fax at the top, the same on every stacked chart.
    return alt.Order("channel_order:Q", sort="ascending")


def _with_channel_order(frame: pd.DataFrame) -> pd.DataFrame:
    order = {channel: index for index, channel in enumerate(CHANNELS)}
    return frame.assign(channel_order=frame["channel"].map(order))


def _period_x(bucket: Bucket, period: Period | None) -> alt.X:
    # With a period, the axis spans all of it, so quiet weeks show as gaps, not as nothing.
    scale = alt.Scale(domain=_domain(bucket, period)) if period else alt.Undefined
    # Ticks on the buckets' first days (days, Mondays, the 1st), so a label sits under its
    # bar and a day or month is never labelled twice ("01 Dec" under every hour of it).
    ticks = _bucket_starts(bucket, period) if period else alt.Undefined
    return alt.X(
        "period:T",
        title={"day": "Day", "week": "Week", "month": "Month"}[bucket.value],
        axis=alt.Axis(format=_BUCKET_AXIS[bucket], labelOverlap=True, values=ticks),
        scale=scale,
    )


def _bucket_starts(bucket: Bucket, period: Period) -> list[alt.DateTime]:
    """Every day, or the first day of every week (a Monday) or month, that the period
    touches."""
    start = pd.Timestamp(period.start)
    if bucket == Bucket.day:
        first, frequency = start, "D"
    elif bucket == Bucket.week:
        first, frequency = start - pd.Timedelta(days=start.day_of_week), "W-MON"
    else:
        first, frequency = start.replace(day=1), "MS"
    starts = pd.date_range(first, pd.Timestamp(period.end), freq=frequency)
    return [alt.DateTime(year=d.year, month=d.month, date=d.day) for d in starts]


def _domain(bucket: Bucket, period: Period) -> list[alt.DateTime]:
    start = pd.Timestamp(period.start)
    if bucket == Bucket.week:
        start -= pd.Timedelta(days=start.day_of_week)
    elif bucket == Bucket.month:
        start = start.replace(day=1)
    end = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    return [alt.DateTime(year=d.year, month=d.month, date=d.day) for d in (start, end)]


def _with_bucket_end(frame: pd.DataFrame, bucket: Bucket) -> pd.DataFrame:
    """Add `period_end`, where the bucket's bar stops: a little before the next bucket, so
    neighbouring bars keep a thin gap."""
    start = pd.to_datetime(frame["period"])
    if bucket == Bucket.month:
        length = (start + pd.offsets.MonthBegin(1)) - start
    else:
        length = pd.Series(pd.Timedelta(days=7 if bucket == Bucket.week else 1), index=frame.index)
    return frame.assign(period_end=start + length * 0.85)


def _period_tooltip(bucket: Bucket) -> alt.Tooltip:
    return alt.Tooltip("period:T", title=bucket.value.capitalize(), format=_BUCKET_FORMAT[bucket])


def actions_over_time(
    frame: pd.DataFrame, *, bucket: Bucket, title: str, period: Period | None = None
) -> alt.Chart:
    """Stacked bars of actions per bucket, one colour per channel.

    `frame`: period, channel, actions (from `queries.actions_by_channel_over_time`).
    """
    return (
        alt.Chart(_with_bucket_end(_with_channel_order(frame), bucket), title=title)
        .mark_bar(clip=True)  # the week or month in progress stops at the period's end
        .encode(
            x=_period_x(bucket, period),
            x2="period_end:T",  # each bar spans its whole day, week or month
            y=alt.Y("sum(actions):Q", title="Actions reported", stack="zero"),
            color=channel_colour(),
            order=_channel_order(),
            tooltip=[
                _period_tooltip(bucket),
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("sum(actions):Q", title="Actions", format=","),
            ],
        )
        .properties(height=320)
    )


def actions_by_case_over_time(
    frame: pd.DataFrame, *, bucket: Bucket, title: str, period: Period | None = None
) -> alt.Chart:
    """One line per case. `frame`: period, case, actions."""
    return (
        alt.Chart(frame, title=title)
        .mark_line(point=bucket != Bucket.day)
        .encode(
            x=_period_x(bucket, period),
            y=alt.Y("actions:Q", title="Actions reported"),
            color=alt.Color("case:N", title="Case", legend=alt.Legend(orient="top")),
            tooltip=[
                _period_tooltip(bucket),
                alt.Tooltip("case:N", title="Case"),
                alt.Tooltip("actions:Q", title="Actions", format=","),
            ],
        )
        .properties(height=320)
    )


def actions_by_target_over_time(
    frame: pd.DataFrame, *, bucket: Bucket, title: str, period: Period | None = None
) -> alt.Chart:
    """One line per target; CC targets dashed, "no target given" dotted.

    `frame`: period, target, role, actions (from `queries.actions_by_target_over_time`).
    """
    return (
        alt.Chart(frame, title=title)
        .mark_line(point=bucket != Bucket.day)
        .encode(
            x=_period_x(bucket, period),
            y=alt.Y("actions:Q", title="Actions reported"),
            color=target_colour(frame),
            strokeDash=alt.StrokeDash(
                "role:N",
                title="Role",
                scale=alt.Scale(domain=list(ROLE_DASH), range=list(ROLE_DASH.values())),
                legend=None,
            ),
            tooltip=[
                _period_tooltip(bucket),
                alt.Tooltip("target:N", title="Target"),
                alt.Tooltip("actions:Q", title="Actions", format=","),
            ],
        )
        .properties(height=300)
    )


def actions_by_target(frame: pd.DataFrame, *, title: str) -> AnyChart:
    """Horizontal bars: each target's total; CC and "no target given" paler.

    `frame`: target, role, actions (from `queries.actions_by_target`).
    """
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "target:N",
            title=None,
            sort=None,
            axis=alt.Axis(labelLimit=240, labelOverlap=False),
            scale=alt.Scale(paddingInner=0.25),
        ),
        x=alt.X("actions:Q", title="Actions reported"),
    )
    bars = base.mark_bar().encode(
        color=target_colour(frame, legend=False),
        opacity=alt.Opacity(
            "role:N",
            scale=alt.Scale(domain=["primary", "cc", "none"], range=[1.0, 0.6, 0.35]),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("target:N", title="Target"),
            alt.Tooltip("actions:Q", title="Actions", format=","),
        ],
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("actions:Q", format=","))
    return alt.LayerChart(
        layer=[bars, labels],
        title=title,
        height=alt.Step(36),  # one band per target
    )


def cumulative_actions(frame: pd.DataFrame, *, deadline: date | None, title: str) -> AnyChart:
    """The running total over time, with a vertical rule at the deadline when there is one.

    `frame`: day, cumulative (from `queries.cumulative_actions`).
    """
    line = (
        alt.Chart(frame)
        .mark_area(line={"color": "#0072B2"}, color="#0072B2", opacity=0.15)
        .encode(
            x=alt.X("day:T", title="Day", axis=alt.Axis(format="%d %b %Y", labelOverlap=True)),
            y=alt.Y("cumulative:Q", title="Actions reported, running total"),
            tooltip=[
                alt.Tooltip("day:T", title="Day", format="%d %b %Y"),
                alt.Tooltip("cumulative:Q", title="Running total", format=","),
            ],
        )
        .properties(height=300)
    )
    days = pd.to_datetime(frame["day"])
    if deadline is None or frame.empty or not days.min() <= pd.Timestamp(deadline) <= days.max():
        # A deadline outside the days shown would stretch the axis to reach it and squeeze
        # the line into a corner: say it in words instead.
        note = f"Deadline {deadline.day} {deadline:%B %Y}, outside these days" if deadline else ""
        return line.properties(title=alt.Title(title, subtitle=note) if note else title)
    marker = pd.DataFrame({"day": [pd.Timestamp(deadline)]})
    rule = (
        alt.Chart(marker)
        .mark_rule(color="#B00020", strokeDash=[4, 3], size=2)
        .encode(x="day:T", tooltip=[alt.Tooltip("day:T", title="Deadline", format="%d %b %Y")])
    )
    # The rule is named in the subtitle, not by a label that would sit across the line.
    subtitle = f"Dashed red line: the deadline, {deadline.day} {deadline:%B %Y}"
    return alt.LayerChart(layer=[line, rule], title=alt.Title(title, subtitle=subtitle))


def channel_mix(frame: pd.DataFrame, *, title: str) -> AnyChart:
    """Horizontal bars: each channel's total and share. `frame`: channel, actions, share."""
    frame = _with_channel_order(frame)
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y(
            "channel:N",
            title=None,
            sort=CHANNELS,
            axis=alt.Axis(labelExpr=_axis_labels(), labelOverlap=False),
        ),
        x=alt.X("actions:Q", title="Actions reported"),
    )
    bars = base.mark_bar().encode(
        color=channel_colour().legend(None),
        tooltip=[
            alt.Tooltip("channel:N", title="Channel"),
            alt.Tooltip("actions:Q", title="Actions", format=","),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
        ],
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("share:Q", format=".0%"))
    return (bars + labels).properties(height=220)


def _axis_labels() -> str:
    return _label_expr(CHANNEL_LABELS)


def actions_by_case(frame: pd.DataFrame, *, title: str, limit: int = 10) -> AnyChart:
    """Horizontal bars: the `limit` cases with the most actions, each with its total.

    `frame`: case, title, actions, most actions first (from `queries.actions_by_case`).
    """
    shown = frame[frame["actions"] > 0].sort_values("actions", ascending=False, kind="stable")
    shown = shown.head(limit)
    base = alt.Chart(shown).encode(
        y=alt.Y(
            "case:N",
            title=None,
            # Most actions at the top. An explicit order: "keep the data's order" is lost
            # when the bars and their labels are layered.
            sort=list(shown["case"]),
            axis=alt.Axis(labelLimit=260, labelOverlap=False),
            scale=alt.Scale(paddingInner=0.25),
        ),
        x=alt.X("actions:Q", title="Actions reported"),
    )
    bars = base.mark_bar(color="#0072B2").encode(
        tooltip=[
            alt.Tooltip("case:N", title="Case"),
            alt.Tooltip("title:N", title="Title"),
            alt.Tooltip("actions:Q", title="Actions", format=","),
        ],
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("actions:Q", format=","))
    return alt.LayerChart(layer=[bars, labels], title=title, height=alt.Step(34))


def channels_compared(frame: pd.DataFrame, *, title: str) -> AnyChart:
    """Each channel's total now (solid) beside the previous period's (pale), with numbers.

    `frame`: channel, when, actions (from `figures.channels_compared`); `when` holds the
    period's label in its first rows and the previous period's after.
    """
    frame = _with_channel_order(frame)
    order = list(dict.fromkeys(frame["when"]))
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "channel:N",
            title=None,
            sort=CHANNELS,
            axis=alt.Axis(labelExpr=_axis_labels(), labelOverlap=False),
        ),
        yOffset=alt.YOffset("when:N", sort=order),
        x=alt.X("actions:Q", title="Actions reported"),
    )
    bars = base.mark_bar().encode(
        color=channel_colour().legend(None),
        opacity=alt.Opacity(
            "when:N",
            title=None,
            sort=order,
            scale=alt.Scale(domain=order, range=[1.0, 0.35][: len(order)]),
            legend=alt.Legend(
                orient="top", symbolType="square", symbolFillColor="#4C566A", labelLimit=400
            ),
        ),
        tooltip=[
            alt.Tooltip("channel:N", title="Channel"),
            alt.Tooltip("when:N", title="Period"),
            alt.Tooltip("actions:Q", title="Actions", format=","),
        ],
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("actions:Q", format=","))
    return alt.LayerChart(layer=[bars, labels], title=title, height=alt.Step(22))


# Near-black text: the pale grey of screen themes washes out on a projector.
INK = "#262730"


def for_projector(chart: AnyChart) -> AnyChart:
    """The same chart with type large enough to read from the back of a room."""
    return (
        chart.configure_axis(
            labelFontSize=16, titleFontSize=16, titlePadding=10, labelColor=INK, titleColor=INK
        )
        .configure_legend(
            labelFontSize=16, titleFontSize=16, symbolSize=180, labelColor=INK, titleColor=INK
        )
        .configure_title(fontSize=22, anchor="start", offset=12, color=INK)
        .configure_text(fontSize=16, color=INK)
    )
