"""Overview: every case's status and deadline at a glance, and actions over time."""

from dataclasses import replace
from urllib.parse import quote_plus, urlencode

import streamlit as st

from uadash import charts, config, figures, queries
from uadash.ui import session, state
from uadash.ui.badges import status_cells, status_column_colours
from uadash.ui.downloads import altair_chart
from uadash.ui.filters import bucket_picker, case_filter, period_picker, updates_toggle
from uadash.ui.layout import card_row
from uadash.ui.metrics import change_metric, versus
from uadash.wording import (
    between,
    day_range,
    days_left_text,
    iso_date,
    long_date,
    moment,
    number,
)

engine = session.engine()
today = session.today()
filters = replace(case_filter(engine), whole_ua=updates_toggle(key="overview"))
lifetime = session.cached(figures.campaign_lifetime, filters=filters, today=today)
comparison = period_picker(today=today, lifetime=lifetime)
period = comparison.period

st.title("Urgent Actions")
st.caption(
    f"Today is {long_date(today)}. {comparison.label}: actions counted "
    f"{between(period.start, period.end)}."
)
sources = session.cached(queries.reports_by_source)
if sources.get("demo"):
    st.info(
        f"Includes {number(sources['demo'])} generated **demo** reports and demo cases.",
        icon=":material/science:",
    )

arrivals = session.cached(queries.last_live_reports)
if arrivals:
    zone = config.timezone()
    st.caption(
        "Last live report: "
        + "; ".join(
            f"{arrival.source} {moment(arrival.last_report_at, zone)}" for arrival in arrivals
        )
        + "."
    )

cases = session.cached(queries.list_cases, filters=filters, today=today, period=period)
top = session.cached(queries.headline, filters=filters, period=period, today=today)
numbers = session.cached(figures.figures, filters=filters, comparison=comparison)
cards = card_row("overview-figures")
change_metric(cards, "Actions reported", numbers.total, description=versus(comparison))
cards.metric("Active cases", number(top.active_cases), border=True)
cards.metric(
    "Due within 7 days",
    number(top.due_soon),
    border=True,
    help="Active cases whose deadline is today or in the next 6 days.",
)
cards.metric(
    "Deadline passed",
    number(top.overdue),
    border=True,
    help="Active cases whose deadline is behind us. A case whose action has no end date "
    "is past its suggested date instead: still open, and not counted here.",
)

st.subheader("Cases", anchor="cases")
if cases.empty:
    st.write("No cases match these filters.")
else:
    keep = {name: values for name, values in state.carried().items() if name != "case"}
    # The case last: the column shows what follows "case=".
    link = "/case?" + (f"{urlencode(keep, doseq=True)}&" if keep else "") + "case="
    table = cases.assign(
        link=[link + quote_plus(ref) for ref in cases["ref"]],
        status_text=status_cells(cases),
        deadline_text=[iso_date(d) if d else "no end date" for d in cases["deadline"]],
        days_text=[days_left_text(d) for d in cases["days_left"]],
        title_text=[
            t
            + ("  · demo" if demo else "")
            + (f"  · superseded by {newer}" if isinstance(newer, str) else "")
            for t, demo, newer in zip(
                cases["title"], cases["is_demo"], cases["superseded_by"], strict=True
            )
        ],
    )
    # Coloured labels, not a pandas Styler: styling 1,200 cells cost a second per rerun.
    statuses, colours = status_column_colours(table["status_text"].tolist())
    # Status and days left right after the case: on a phone they show without a swipe.
    shown = [
        "link",
        "status_text",
        "days_text",
        "deadline_text",
        "title_text",
        "country",
        "actions_in_period",
        "total_actions",
        "actions_last_7_days",
    ]
    picked = st.dataframe(
        # Only the shown columns go to the browser: with every column the table was 496 KB
        # of Arrow a view at 1,200 cases, 221 KB with these.
        table[shown],
        column_order=shown,
        column_config={
            "link": st.column_config.LinkColumn(
                "Case", display_text=r"case=(.*)$", help="Open the case page"
            ),
            "title_text": st.column_config.TextColumn("Title", width="medium"),
            "country": "Country",
            "status_text": st.column_config.MultiselectColumn(
                "Status", options=statuses, color=colours
            ),
            "deadline_text": "Deadline",
            "days_text": st.column_config.TextColumn(
                "Days left", help="Negative: days since the deadline passed. —: no end date."
            ),
            "actions_in_period": st.column_config.NumberColumn(
                "Actions in period",
                format="localized",
                help=f"{comparison.label}: {day_range(period.start, period.end)}.",
            ),
            "total_actions": st.column_config.NumberColumn("Actions, all time", format="localized"),
            "actions_last_7_days": st.column_config.NumberColumn("Last 7 days", format="localized"),
        },
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="overview-cases",
    )
    st.caption("Most urgent first. Select a row, or click its UA number, to open the case.")
    if picked.selection.rows:
        chosen = table.iloc[picked.selection.rows[0]]
        st.switch_page("pages/case.py", query_params={**keep, "case": chosen["ref"]})

VIEWS = {
    "By channel": (queries.actions_by_channel_over_time, charts.actions_over_time),
    "By case": (queries.actions_by_case_over_time, charts.actions_by_case_over_time),
}


@st.fragment
def actions_over_time(filters: queries.CaseFilter, period: queries.Period) -> None:
    """One chart, by channel or by case (not both in tabs: a hidden tab's chart was queried,
    sent and drawn on every view too). A fragment: a click on its controls reruns only it."""
    st.subheader("Actions over time")
    left, right = st.columns([1, 1])
    with left:
        bucket = bucket_picker(key="overview")
    with right:
        name = st.segmented_control(
            "Show", list(VIEWS), default="By channel", required=True, key="overview-view"
        )
    query, chart = VIEWS[str(name)]
    frame = session.cached(query, filters=filters, period=period, bucket=bucket)
    if frame.empty:
        st.write("No actions were reported in this period for these cases.")
    else:
        title = f"Actions per {bucket.value}, {str(name).lower()}"
        altair_chart(chart(frame, bucket=bucket, title=title, period=period), width="stretch")


actions_over_time(filters, period)
