"""Updates of a UA in the app (AppTest): the superseded mark and the timeline on the case page,
the overview and present pages counting a UA across all its updates or each update alone;
and every case field edited on the edit page's "Whole case" tab, with its history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from tests.conftest import SEED_SAMPLE
from tests.pages.conftest import open_app
from tests.pages.test_edit import EDITOR, as_actor, seed, widget
from tests.test_queries import add_reports
from uadash import queries
from uadash.cases import create
from uadash.cases import edits as case_edits
from uadash.cases.drafts import draft_from_text
from uadash.store.models import Target
from uadash.wording import number


def third_update(engine: Engine) -> tuple[int, int]:
    """UA 44.22 update 3 saved from text over the seed (update 2); 5 actions on update 2,
    3 on update 3. Returns both ids."""
    second = queries.find_case(engine, "44.22-2")
    assert second is not None
    draft = draft_from_text(SEED_SAMPLE.read_text(encoding="utf-8").replace("Second", "Third"))
    third = create.create_case(engine, replace(draft.case, update_number=3), actor=EDITOR)
    with engine.connect() as connection:
        minister = connection.scalar(
            select(Target.id).where(Target.case_id == third.case_id).limit(1)
        )
    add_reports(
        engine,
        [
            (second.id, second.targets[0].id, "letter", 5, date(2026, 11, 20)),
            (third.case_id, minister, "email", 3, date(2026, 11, 21)),
        ],
    )
    return second.id, third.case_id


def test_case_page_marks_the_superseded_update_and_shows_the_timeline(
    seed_database: Engine,
) -> None:
    third_update(seed_database)
    app = open_app("pages/case.py", case="44.22-2")
    assert not app.exception
    assert any("**Superseded** by UA 44.22 (update 3)" in w.value for w in app.warning)
    timeline = " ".join(m.value for m in app.markdown)
    assert "UA 44.22 (update 2)" in timeline and "UA 44.22 (update 3)" in timeline
    assert "5 actions" in timeline and "3 actions" in timeline
    assert any("8 actions reported across all of them" in c.value for c in app.caption)

    latest = open_app("pages/case.py", case="44.22-3")
    assert not any("Superseded" in w.value for w in latest.warning)


def test_overview_counts_each_update_alone_or_the_whole_ua(seed_database: Engine) -> None:
    third_update(seed_database)
    app = open_app()
    table = app.dataframe[0].value
    rows = dict(
        zip(table["link"].str.extract(r"case=(.*)$")[0], table["total_actions"], strict=True)
    )
    assert rows == {"44.22-2": 5, "44.22-3": 3}
    assert any("superseded by UA 44.22 (update 3)" in t for t in table["title_text"])
    assert active(app) == number(2)  # both updates are stored as active

    app.toggle(key="overview-whole-ua").set_value(True).run()
    table = app.dataframe[0].value
    assert list(table["link"].str.extract(r"case=(.*)$")[0]) == ["44.22-3"]
    assert list(table["total_actions"]) == [8]
    assert active(app) == number(1)  # one UA: its latest update


def active(app: AppTest) -> str:
    return next(m.value for m in app.metric if m.label == "Active cases")


def test_present_counts_one_update_or_all_updates_of_its_ua(seed_database: Engine) -> None:
    third_update(seed_database)
    app = open_app("pages/present.py", case="44.22-3", period="lifetime")
    assert not app.exception
    first = next(m.value for m in app.metric if m.label == "Actions reported")
    app.toggle(key="present-whole-ua").set_value(True).run()
    whole = next(m.value for m in app.metric if m.label == "Actions reported")
    assert (first, whole) == (number(3), number(8))


def test_whole_case_tab_saves_every_field_and_the_history_names_each(
    seed_database: Engine,
) -> None:
    app = as_actor(EDITOR, "pages/edit.py", case="44.22-2")
    before = seed(seed_database)
    suffix = f"{before.case_id}-{before.version}"
    app.text_input(key=f"details-title-{suffix}").input("Retitled :red[x]")
    app.text_input(key=f"details-country-{suffix}").input("People's Republic of China")
    app.text_input(key=f"details-tags-{suffix}").input("metoo, health")
    app.text_area(key=f"details-letter-{suffix}").input("Please release them.")
    app.text_area(key=f"details-people-{suffix}").input("Sophia Huang Xueqin | 黄雪琴")
    widget(app, "button", "Save the whole case").click().run()
    assert not app.exception

    after = seed(seed_database)
    assert (after.title, after.sample_letter) == ("Retitled :red[x]", "Please release them.")
    assert after.tags == ("metoo", "health")
    assert after.people_at_risk == (
        {"name": "Sophia Huang Xueqin", "native_name": "黄雪琴", "description": None},
    )
    assert after.version == before.version + 1
    fields = set(case_edits.case_history(seed_database, after.case_id)["field"])
    assert {"title", "country", "tags", "sample_letter", "people_at_risk"} <= fields
    assert any(
        "Saved UA 44.22 \\(update 2\\)" in s.value or "Saved UA 44.22 (update 2)" in s.value
        for s in app.success
    )


def test_the_first_issue_of_an_updated_ua_opens_itself_not_the_latest(
    seed_database: Engine,
) -> None:
    """`44.22` opens the UA's latest update, so once 44.22 has updates its first issue is
    `44.22-0` in the overview's links, the case picker and the page's own links."""
    draft = draft_from_text(SEED_SAMPLE.read_text(encoding="utf-8"))
    first = create.create_case(
        seed_database, replace(draft.case, update_number=0, title="The first issue"), actor=EDITOR
    )
    assert first.ref == "44.22"  # as created: the reference it was given then
    table = open_app().dataframe[0].value
    links = set(table["link"].str.extract(r"case=(.*)$")[0])
    assert {"44.22-0", "44.22-2"} <= links and "44.22" not in links

    app = open_app("pages/case.py", case="44.22-0")
    assert not app.exception
    assert app.title[0].value == "The first issue"
    assert app.query_params["case"] == "44.22-0"  # the picker keeps it
    assert app.selectbox(key="case-picker").value == "44.22-0"
    latest = open_app("pages/case.py", case="44.22")
    assert latest.title[0].value != "The first issue"
