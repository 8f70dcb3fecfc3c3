"""Overview: every case's status and deadline at a glance, and actions over time."""

from dataclasses import replace

import streamlit as st

from uadash import charts, queries
from uadash.ui import session
from uadash.ui.badges import status_cell, status_cell_style
from uadash.ui.filters import bucket_picker, case_filter, period_picker, updates_toggle
from uadash.wording import long_date, number, plural

engine = session.engine()
today = session.today()
filters = replace(case_filter(engine, key="overview"), whole_ua=updates_toggle(key="overview"))
period = period_picker(today=today, key="overview")

st.title("Urgent Actions")
st.caption(
    f"Today is {long_date(today)}. Actions counted from {long_date(period.start)} "
    f"to {long_date(period.end)}."
)
sources = session.cached(queries.reports_by_source)
if sources.get("demo"):
    st.info(
        f"Includes {number(sources['demo'])} generated **demo** reports and demo cases.",
        icon=":material/science:",
    )

cases = session.cached(queries.list_cases, filters=filters, today=today)
top = session.cached(queries.headline, filters=filters, period=period, today=today)
change = f"{top.change:+,}"
if top.change_percent is not None:
    change += f" ({top.change_percent:+.0f}%)"
columns = st.columns([1.5, 1, 1, 1])
columns[0].metric(
    "Actions reported",
    number(top.actions),
    change,
    border=True,
    delta_description=f"vs the previous {plural(period.days, 'day')}",
)
columns[1].metric("Active cases", number(top.active_cases), border=True)
columns[2].metric(
    "Due within 7 days",
    number(top.due_soon),
    border=True,
    help="Active cases whose deadline is today or in the next 6 days.",
)
columns[3].metric(
    "Deadline passed",
    number(top.overdue),
    border=True,
    help="Active cases whose deadline is behind us.",
)

st.subheader("Cases", anchor="cases")
if cases.empty:
    st.write("No cases match these filters.")
else:
    table = cases.assign(
        link=[f"/case?case={ref}" for ref in cases["ref"]],
        status_text=cases.apply(status_cell, axis=1),
        deadline_text=[d.isoformat() if d else "no end date" for d in cases["deadline"]],
        title_text=[
            t
            + ("  · demo" if demo else "")
            + (f"  · superseded by {newer}" if isinstance(newer, str) else "")
            for t, demo, newer in zip(
                cases["title"], cases["is_demo"], cases["superseded_by"], strict=True
            )
        ],
    )
    picked = st.dataframe(
        table.style.map(status_cell_style, subset=["status_text"]).format(
            na_rep="", subset=["days_left"]
        ),
        column_order=[
            "link",
            "title_text",
            "country",
            "status_text",
            "deadline_text",
            "days_left",
            "total_actions",
            "actions_last_7_days",
        ],
        column_config={
            "link": st.column_config.LinkColumn(
                "Case", display_text=r"case=(.*)$", help="Open the case page"
            ),
            "title_text": st.column_config.TextColumn("Title", width="medium"),
            "country": "Country",
            "status_text": "Status",
            "deadline_text": "Deadline",
            "days_left": st.column_config.NumberColumn(
                "Days left", help="Negative: days since the deadline passed."
            ),
            "total_actions": st.column_config.NumberColumn("Total actions", format="localized"),
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
        st.switch_page("pages/case.py", query_params={"case": chosen["ref"]})

st.subheader("Actions over time")
bucket = bucket_picker(key="overview")
views = {
    "By channel": (queries.actions_by_channel_over_time, charts.actions_over_time),
    "By case": (queries.actions_by_case_over_time, charts.actions_by_case_over_time),
}
for tab, (name, (query, chart)) in zip(st.tabs(list(views)), views.items(), strict=True):
    with tab:
        frame = session.cached(query, filters=filters, period=period, bucket=bucket)
        if frame.empty:
            st.write("No actions were reported in this period for these cases.")
        else:
            title = f"Actions per {bucket.value}, {name.lower()}"
            st.altair_chart(
                chart(frame, bucket=bucket, title=title, period=period), width="stretch"
            )
