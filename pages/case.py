"""Case page: one UA's status, deadline, targets, and its actions by channel and by target."""

import streamlit as st

from uadash import charts, figures, queries
from uadash.periods import Span
from uadash.ui import session, state
from uadash.ui.badges import status_badges
from uadash.ui.downloads import chart_with_downloads
from uadash.ui.filters import bucket_picker, period_picker
from uadash.ui.history import history_table
from uadash.ui.layout import card_row, side_by_side
from uadash.ui.metrics import change_metric, versus
from uadash.ui.pickers import case_picker
from uadash.ui.report_form import report_form_control
from uadash.ui.text import md, show
from uadash.ui.timeline import superseded_mark, updates_timeline
from uadash.wording import day_range, long_date, number

engine = session.engine()
today = session.today()

case = case_picker(engine)
if case is None:
    st.stop()
ref = st.query_params["case"]  # as the picker wrote it: `44.22-0` once 44.22 has updates

st.title(md(case.title))
people = ", ".join(str(p["name"]) for p in case.people_at_risk) or "not named"
facts = [case.label, case.country, f"People at risk: {people}"]
if case.issued:
    facts.append(f"Issued {long_date(case.issued)}")
st.markdown(md(" · ".join(facts)))
badges = status_badges(
    case.status.value,
    case.outcome.value if case.outcome else None,
    case.deadline,
    today=today,
    deadline_note=case.deadline_note,
)
deadline = f"Deadline {long_date(case.deadline)}" if case.deadline else "No deadline"
st.markdown(f"{badges} &nbsp; {deadline}")
if case.deadline_note:
    st.caption(md(case.deadline_note))
superseded_mark(engine, case)
if case.is_demo:
    st.info("This is an invented **demo** case.", icon=":material/science:")
if case.summary:
    with st.expander("Summary"):
        show(case.summary)
st.page_link(
    "pages/letters.py",
    label="Preview the letter for each target, and print them all",
    icon=":material/mail:",
    query_params={**state.carried(), "case": ref},
)
report_form_control(case, ref)

span = session.cached(figures.case_span, case_id=case.id, today=today)
comparison = period_picker(today=today, lifetime=span.lifetime)
period = comparison.period
axis = period  # the days the over-time charts span
last = span.last_day
if comparison.span == Span.lifetime and last and period.start <= last < period.end:
    # A whole campaign ends with its last report: "to today" would squeeze months of
    # reports into a corner of the axis.
    axis = queries.Period(period.start, last)
everything = span.everything
shown = session.cached(
    figures.figures, filters=queries.CaseFilter(case_ids=(case.id,)), comparison=comparison
)
cards = card_row("case-figures", least="14rem")
change_metric(
    cards,
    f"Actions reported · {comparison.label}",
    shown.total,
    description=versus(comparison),
    help=day_range(period.start, period.end),
)
cards.metric("Actions reported, all time", number(everything), border=True)
cards.metric(
    "Targets",
    number(sum(1 for target in case.targets if target.retired_at is None)),
    border=True,
)

if not everything:
    st.write("No actions have been reported for this case yet.")
else:
    bucket = bucket_picker(key="case")
    frames = session.cached(
        figures.case_charts, case_id=case.id, period=period, axis=axis, bucket=bucket
    )
    over_time = frames.over_time
    if over_time.empty:
        st.write("No actions were reported for this case in this period.")
    else:
        # Download names: ua-44.22-2-channel-mix-2025-01-01-to-2025-03-31.png
        days = f"{period.start.isoformat()}-to-{period.end.isoformat()}"
        left, right = side_by_side("case-channels", grow=(2, 1))
        with left:
            chart_with_downloads(
                charts.actions_over_time(
                    over_time,
                    bucket=bucket,
                    title=f"Actions per {bucket.value}, by channel",
                    period=axis,
                ),
                over_time,
                f"ua-{ref}-actions-per-{bucket.value}-by-channel-{days}",
            )
        mix = frames.mix
        with right:
            chart_with_downloads(
                charts.channel_mix(mix, title="Channel mix"), mix, f"ua-{ref}-channel-mix-{days}"
            )

        by_target = frames.by_target
        left, right = side_by_side("case-targets", grow=(2, 1))
        with left:
            chart_with_downloads(
                charts.actions_by_target_over_time(
                    by_target,
                    bucket=bucket,
                    title=f"Actions per {bucket.value}, by target",
                    period=axis,
                ),
                by_target,
                f"ua-{ref}-actions-per-{bucket.value}-by-target-{days}",
            )
        totals = frames.totals
        with right:
            chart_with_downloads(
                charts.actions_by_target(totals, title="Actions by target"),
                totals,
                f"ua-{ref}-actions-by-target-{days}",
            )

        running = frames.running
        chart_with_downloads(
            charts.cumulative_actions(
                running, deadline=case.deadline, title="Running total of actions"
            ),
            running,
            f"ua-{ref}-running-total-{days}",
        )

st.subheader("Targets")
targets = session.cached(figures.case_targets, case_id=case.id)
st.dataframe(
    targets,
    column_config={
        "name": "Name",
        "title": "Title",
        "organisation": "Organisation",
        "address": st.column_config.TextColumn("Address", width="medium"),
        "email": "Email",
        "phone": "Phone",
        "fax": "Fax",
        "social_handle": "Social",
        "role": "Role",
        "actions": st.column_config.NumberColumn("Actions", format="localized"),
    },
    hide_index=True,
)
for target in case.targets:
    if target.note:
        st.caption(md(f"{target.name}: {target.note}"))

st.subheader("Updates of this UA")
updates_timeline(engine, case)

st.subheader("History")
history_table(case.id, key="case-history")
