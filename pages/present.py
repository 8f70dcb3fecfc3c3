"""Present: a period's totals against the previous period's, large enough for a projector;
charts to download for slides; the sentence and statements for officials. Read-only."""

import streamlit as st

from uadash import charts, figures, queries, summary
from uadash.periods import bucket_for
from uadash.ui import session, state
from uadash.ui.downloads import chart_with_downloads
from uadash.ui.layout import side_by_side
from uadash.ui.metrics import change_metric
from uadash.ui.present import present_filters, projector_style
from uadash.ui.text import md
from uadash.wording import day_range, number

CHANNEL_TITLES = {
    "letter": "Letters",
    "email": "Emails",
    "call": "Calls",
    "tweet": "Tweets",
    "fax": "Faxes",
}

engine = session.engine()
today = session.today()
shown = present_filters(today=today)
filters, comparison = shown.filters, shown.comparison
period, previous = comparison.period, comparison.previous
projector_style()

cases = session.cached(figures.cases_compared, filters=filters, comparison=comparison)
one = queries.get_case(engine, int(cases["case_id"].iloc[0])) if len(cases) == 1 else None
against = f", compared with {day_range(previous.start, previous.end)}" if previous else ""
when = f"{comparison.label}: {day_range(period.start, period.end)}{against}"
if one is not None:
    # With one case, the header says whose case it is: a projector needs no sidebar.
    st.title(md(f"{one.label} · {one.title}", inline=True))
    people = md(", ".join(str(p["name"]) for p in one.people_at_risk) or "not named", inline=True)
    st.markdown(f"**People at risk: {people}** · {md(one.country or '', inline=True)} · {when}")
else:
    st.title(f"Urgent Actions · {comparison.label}")
    st.markdown(f"**{md(shown.scope, inline=True)}** · {when}")

numbers = session.cached(figures.figures, filters=filters, comparison=comparison)
# The total first, then the channels side by side; on a narrow screen the cards wrap onto
# more lines rather than cut their labels and digits (sizes in ui/present.PROJECTOR_CSS).
with st.container(key="present-figures", horizontal=True, gap="medium"):
    with st.container(key="present-total"):
        # What the change is against is in the line above: a description here would be cut.
        change_metric(st, "Actions reported", numbers.total)
    with st.container(key="present-channels", horizontal=True, gap="small"):
        for channel, change in numbers.by_channel.items():
            change_metric(st, CHANNEL_TITLES[channel], change)
if previous is None:
    st.caption("A campaign's lifetime has no earlier period to compare with.")

stem = [shown.scope if shown.scope != "All cases" else "uadash", period.start.isoformat()]
stem += ["to", period.end.isoformat()]
if not numbers.total.current:
    st.write("No actions were reported in this period for these cases.")
else:
    bucket = bucket_for(period)
    over_time = session.cached(
        queries.actions_by_channel_over_time, filters=filters, period=period, bucket=bucket
    )
    left, right = side_by_side("present-charts")
    with left:
        chart = charts.actions_over_time(
            over_time, bucket=bucket, title=f"Actions per {bucket.value}, by channel", period=period
        )
        chart_with_downloads(
            charts.for_projector(chart.properties(height=380)),
            over_time,
            "-".join(["actions-by-channel-over-time", *stem]),
        )
    with right:
        chart_with_downloads(
            charts.for_projector(charts.actions_by_case(cases, title="Actions by case")),
            cases,
            "-".join(["actions-by-case", *stem]),
        )

    left, right = side_by_side("present-compared")
    with left:
        compared = figures.channels_compared(
            numbers, previous_label=day_range(previous.start, previous.end) if previous else ""
        )
        title = "Actions by channel" + (", against the previous period" if previous else "")
        chart_with_downloads(
            charts.for_projector(charts.channels_compared(compared, title=title)),
            compared,
            "-".join(["actions-by-channel", *stem]),
        )
    with right:
        st.dataframe(
            cases,
            # A lifetime has no "before": no column of empty cells (the grid writes "None").
            column_order=[
                "case",
                "title",
                "actions",
                *(["previous", "change"] if previous else []),
            ],
            column_config={
                "case": "Case",
                # A narrow title (its full text shows on hover) leaves the numbers room.
                "title": st.column_config.TextColumn("Title", width="small"),
                "actions": st.column_config.NumberColumn("Actions", format="localized"),
                "previous": st.column_config.NumberColumn("Before", format="localized"),
                "change": st.column_config.NumberColumn("Change", format="localized"),
            },
            hide_index=True,
            width="stretch",
        )

st.header("For reports and officials", divider="gray")
if len(cases) != 1:
    st.caption(
        "Choose one case in the sidebar for a sentence to paste into a report and a "
        "statement for each of its officials."
    )
    st.stop()
case = one
if case is None:
    st.stop()
targets = {target.name: target for target in case.targets}
target_name = state.selectbox(
    "Say how many went to",
    ["", *targets],
    name="target",
    default="",
    format_func=lambda name: name or "— nobody in particular —",
)
sentence = summary.case_sentence(engine, case, period=period, target=targets.get(target_name))
st.code(sentence, language=None, wrap_lines=True)
st.caption("Copy it with the icon at the top right of the box.")

st.subheader("A statement for each official")
statements = summary.target_statements(engine, case, period=period, today=today)
if not statements:
    st.write(f"{case.label} has no officials on file.")
tabs = (
    st.tabs([md(f"{s.target.name} ({number(s.actions)})") for s in statements])
    if statements
    else []
)
for tab, statement in zip(tabs, statements, strict=True):
    with tab:
        if not statement.actions:
            st.write(md(f"No actions addressed to {statement.target.name} in this period."))
            continue
        st.code(statement.text, language=None, wrap_lines=True)
        st.download_button(
            "Download the statement (.txt)",
            statement.text,
            file_name=statement.filename,
            mime="text/plain",
            key=f"present-statement-{statement.target.id}",
            on_click="ignore",
            icon=":material/download:",
        )
