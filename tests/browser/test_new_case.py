"""An editor in Chromium creates cases from text: on an empty database, pastes the seed UA into
the New case page, checks the draft, saves, and the case, letter and overview pages show it;
then pastes a third update made from it and saves it as update 3: the timeline, the
superseded mark and both counts (whole UA, one update) are right. Bad texts say why."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from tests.browser.conftest import run_uadash, screenshot, serve, wait_for_script
from tests.browser.test_edit_status import choose, go_to, main, overview_row, sidebar
from tests.conftest import ROOT, SEED_SAMPLE
from tests.test_queries import add_reports
from uadash import queries
from uadash.access import Actor
from uadash.cases import edits as case_edits
from uadash.cases.edits import CaseEdit
from uadash.database import open_database
from uadash.vocab import Role

pytestmark = pytest.mark.browser

EMAIL = "nia@example.org"
PASSWORD = "correct horse battery"
THIRD = ROOT / "tests" / "data" / "ua-44-22-china-third-update.txt"
HAND_MADE_TITLE = "Two activists faced unjust conviction"


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app on a database with no case at all and one editor; (base URL, db URL)."""
    folder = tmp_path_factory.mktemp("new-case")
    url = f"sqlite:///{folder / 'uadash.db'}"
    env = {**os.environ, "UADASH_DATABASE_URL": url}
    env.pop("UADASH_TODAY", None)
    env.pop("UADASH_REQUIRE_SIGN_IN", None)
    add = ["user", "add", EMAIL, "--role", "editor", "--name", "Nia", "--password-stdin"]
    run_uadash(env, *add, stdin=PASSWORD + "\n")
    for base in serve(env, folder):
        yield base, url


def paste_and_read(page: Any, text: str) -> None:
    box = main(page).get_by_role("textbox", name="The UA's text")
    box.fill(text)
    box.blur()
    wait_for_script(page)
    main(page).get_by_role("button", name="Read the text").click()
    wait_for_script(page)


def field(page: Any, label: str) -> Any:
    return main(page).get_by_role("textbox", name=label, exact=True)


def sign_in(page: Any) -> None:
    sidebar(page).get_by_text("Sign in", exact=True).first.click()
    sidebar(page).get_by_role("textbox", name="Email").fill(EMAIL)
    sidebar(page).get_by_role("textbox", name="Password").fill(PASSWORD)
    sidebar(page).get_by_role("button", name="Sign in").click()
    wait_for_script(page)
    page.wait_for_selector('[data-testid="stSidebar"] >> text=Sign out')


def test_an_editor_creates_the_seed_case_from_text_then_its_third_update(
    browser: Any, empty_app: tuple[str, str]
) -> None:
    base, url = empty_app
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(base + "/")
        wait_for_script(page)
        sign_in(page)
        go_to(page, "New case", "new-case")

        # Bad texts: a message, no draft, nothing written.
        paste_and_read(page, "Dear diary, today it rained.")
        page.wait_for_selector("text=Nothing was read: this is not an Urgent Action")
        paste_and_read(page, "   ")
        page.wait_for_selector("text=Nothing was read: the text is empty")

        # The seed: the draft is filled from the text, each field beside its line.
        paste_and_read(page, SEED_SAMPLE.read_text(encoding="utf-8"))
        page.wait_for_selector("text=Check these before saving")
        assert field(page, "UA number").input_value() == "44.22"
        assert field(page, "Country").input_value() == "China"
        assert "line 3" in main(page).inner_text()
        assert "Dear Director Zhang Rui," in main(page).inner_text()  # the letter preview
        # Streamlit loads some widgets' code on first use: wait for them before the picture.
        for widget in ("stNumberInput", "stDateInput"):
            page.wait_for_selector(f'[data-testid="{widget}"] input')
        page.wait_for_selector('[data-testid="stDataFrame"] canvas')
        screenshot(page, "new-case")
        # Checking it: the hand-made case's title is in sentence case.
        field(page, "Title").fill(HAND_MADE_TITLE)
        field(page, "Tags").fill("metoo, labour rights, freedom of expression")
        field(page, "Tags").blur()
        wait_for_script(page)
        main(page).get_by_role("button", name="Save the case").click()
        wait_for_script(page)
        page.wait_for_selector("text=Saved UA 44.22 (update 2).")

        # The case, letter and overview pages show it.
        go_to(page, "Case", "case")
        page.wait_for_selector(f"h1:has-text('{HAND_MADE_TITLE}')")
        text = main(page).inner_text()
        assert "Deadline 18 March 2025" in text and "Sophia Huang Xueqin" in text
        go_to(page, "Letter preview", "letters")
        assert "Dear Director Zhang Rui," in main(page).inner_text()
        go_to(page, "Overview", "")
        assert HAND_MADE_TITLE in overview_row(page, "44.22-2")

        # The third update, made from it, is saved as update 3 of the same UA.
        go_to(page, "New case", "new-case")
        paste_and_read(page, THIRD.read_text(encoding="utf-8"))
        page.wait_for_selector("text=UA 44.22 is already in the database")
        notice = main(page).inner_text()
        assert "Deadline: 18 March 2025 → 30 June 2025" in notice
        main(page).get_by_role("button", name="Save as update 3").click()
        wait_for_script(page)
        page.wait_for_selector("text=It supersedes UA 44.22 (update 2).")

        # Reports on each update, then the counts: each update alone, and the whole UA.
        engine = open_database(url)
        try:
            second, third = (queries.find_case(engine, ref) for ref in ("44.22-2", "44.22-3"))
            assert second is not None and third is not None
            add_reports(
                engine,
                [
                    (second.id, second.targets[0].id, "letter", 5, date.today()),
                    (third.id, third.targets[0].id, "email", 3, date.today()),
                ],
            )
        finally:
            engine.dispose()

        go_to(page, "Case", "case")
        choose(page, "Case", "UA 44.22 (update 2) — Two activists faced unjust conviction")
        page.wait_for_selector("text=Superseded")
        page.get_by_role("heading", name="Updates of this UA").scroll_into_view_if_needed()
        text = main(page).inner_text()
        assert "superseded by UA 44.22 (update 3)" in text
        assert "8 actions reported across all of them" in text
        screenshot(page, "timeline")

        go_to(page, "Overview", "")
        assert "5" in overview_row(page, "44.22-2") and "superseded" in overview_row(
            page, "44.22-2"
        )
        assert "3" in overview_row(page, "44.22-3")
        sidebar(page).get_by_text("Count each UA across all its updates").click()
        wait_for_script(page)
        row = overview_row(page, "44.22-3")
        assert "8" in row, row
        assert not main(page).locator("tr", has_text="44.22-2").count()
        screenshot(page, "overview-whole-ua")

        # Outside text is shown as those characters: a summary and a title with Markdown.
        engine = open_database(url)
        try:
            third = queries.find_case(engine, "44.22-3")
            assert third is not None
            hostile = "[link](http://x) :red[x] **bold**"
            state = case_edits.case_state(engine, third.id)
            assert state is not None
            edit = CaseEdit(third.id, state.version, title=f"T {hostile}", summary=hostile)
            case_edits.edit_case(engine, edit, actor=Actor(EMAIL, Role.editor))
        finally:
            engine.dispose()
        go_to(page, "Case", "case")
        choose(page, "Case", f"UA 44.22 (update 3) — T {hostile}")
        main(page).get_by_text("Summary", exact=True).click()
        page.wait_for_selector("text=:red[x] **bold**")
        text = main(page).inner_text()
        assert f"T {hostile}" in text and text.count(hostile) >= 2, text[:500]

        # The edit page's Whole case tab holds every other field and the targets.
        go_to(page, "Edit cases", "edit")
        main(page).get_by_role("tab", name="Whole case").click()
        page.wait_for_selector('[data-testid="stDataFrame"] canvas')
        assert main(page).get_by_role("button", name="Save the whole case").count() == 1
        screenshot(page, "edit-whole-case")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()
