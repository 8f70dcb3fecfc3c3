"""An editor in Chromium: signs in from the sidebar, changes the seed case's status on the edit
page, meets a conflict with another editor's save and re-applies, and the overview and the
case's history show the result. The app runs on its own database, so the other browser tests
keep the seed case as they expect it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import run_uadash, screenshot, serve, wait_for_script
from uadash import queries
from uadash.access import Actor
from uadash.cases import edits as case_edits
from uadash.cases.edits import CaseEdit
from uadash.database import open_database
from uadash.vocab import Role

pytestmark = pytest.mark.browser

EMAIL = "eda@example.org"
PASSWORD = "correct horse battery"
SEED = "44.22-2"


@pytest.fixture(scope="module")
def editing_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app on a fresh database with the case files and an editor; (base URL, db URL)."""
    folder = tmp_path_factory.mktemp("editing")
    url = f"sqlite:///{folder / 'uadash.db'}"
    env = {**os.environ, "UADASH_DATABASE_URL": url}
    env.pop("UADASH_TODAY", None)
    env.pop("UADASH_REQUIRE_SIGN_IN", None)
    run_uadash(env, "init", "--demo-reports", "2000")
    add = ["user", "add", EMAIL, "--role", "editor", "--name", "Eda", "--password-stdin"]
    run_uadash(env, *add, stdin=PASSWORD + "\n")
    for base in serve(env, folder):
        yield base, url


def sidebar(page: Any) -> Any:
    return page.locator('[data-testid="stSidebar"]')


def main(page: Any) -> Any:
    return page.locator('[data-testid="stMain"]')


def choose(page: Any, label: str, option: str) -> None:
    """Pick `option` in the main area's select box labelled `label`."""
    box = main(page).locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option).click()
    wait_for_script(page)


def go_to(page: Any, title: str, url_part: str) -> None:
    """Follow the sidebar navigation (a new address would start a new, signed-out session)."""
    page.locator(".st-key-pages").get_by_text(title, exact=True).click()
    page.wait_for_url(f"**/{url_part}**")
    wait_for_script(page)


def overview_row(page: Any, ref: str) -> str:
    """The text of a case's row in the overview's table (its accessible copy of the grid)."""
    grid = main(page).locator('[data-testid="stDataFrame"]').first
    return str(grid.locator("tr", has_text=ref).first.text_content())


def test_an_editor_signs_in_changes_the_seed_case_status_and_the_overview_shows_it(
    browser: Any, editing_app: tuple[str, str]
) -> None:
    base, url = editing_app
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(base + "/")
        wait_for_script(page)
        assert "Past the suggested date" in overview_row(page, SEED)  # no end date
        assert not page.locator(".st-key-pages").get_by_text("Edit cases").count()

        # Sign in from the sidebar.
        sidebar(page).get_by_text("Sign in", exact=True).first.click()
        sidebar(page).get_by_role("textbox", name="Email").fill(EMAIL)
        sidebar(page).get_by_role("textbox", name="Password").fill(PASSWORD)
        screenshot(page, "sign-in")
        sidebar(page).get_by_role("button", name="Sign in").click()
        wait_for_script(page)
        page.wait_for_selector('[data-testid="stSidebar"] >> text=Sign out')
        assert "Eda" in sidebar(page).inner_text()

        # Change the seed case's status on the edit page.
        go_to(page, "Edit cases", "edit")
        choose(page, "Case", "UA 44.22 (update 2) — Two activists faced unjust conviction")
        choose(page, "Status", "Paused")
        main(page).get_by_role("textbox", name="Why (kept in the history)").fill(
            "The family asked us to pause"
        )
        main(page).get_by_role("button", name="Save changes").click()
        wait_for_script(page)
        page.wait_for_selector("text=Saved UA 44.22 (update 2): status → Paused.")
        screenshot(page, "edit")
        main(page).get_by_role("tab", name="Several cases").click()
        page.wait_for_selector('[data-testid="stDataFrame"] canvas')
        screenshot(page, "edit-table")
        main(page).get_by_role("tab", name="One case").click()

        # Another editor saves a new deadline while this one changes the status again.
        choose(page, "Status", "Active")
        engine = open_database(url)
        try:
            case = queries.find_case(engine, SEED)
            assert case is not None
            case_edits.edit_case(
                engine,
                CaseEdit(case.id, case.version, deadline=date(2027, 3, 31), note="extended"),
                actor=Actor("bo@example.org", Role.editor),
            )
        finally:
            engine.dispose()
        main(page).get_by_role("button", name="Save changes").click()
        wait_for_script(page)
        page.wait_for_selector("text=Nothing was saved: UA 44.22 (update 2) was changed by")
        assert "bo@example.org" in main(page).inner_text()
        screenshot(page, "edit-conflict")
        main(page).get_by_role("button", name="Re-apply my changes").click()
        wait_for_script(page)
        page.wait_for_selector("text=Saved UA 44.22 (update 2): status → Active.")
        choose(page, "Status", "Paused")
        main(page).get_by_role("button", name="Save changes").click()
        wait_for_script(page)
        page.wait_for_selector("text=Saved UA 44.22 (update 2): status → Paused.")

        # The overview shows the new status, and the deadline Bo set.
        go_to(page, "Overview", "")
        row = overview_row(page, SEED)
        assert "Paused" in row and "2027-03-31" in row, row
        assert "Deadline passed" not in row
        screenshot(page, "overview-after-edit")

        # The case page lists every change with who made it.
        go_to(page, "Case", "case")
        choose(page, "Case", "UA 44.22 (update 2) — Two activists faced unjust conviction")
        page.get_by_role("heading", name="History").scroll_into_view_if_needed()
        history = main(page).locator('[data-testid="stDataFrame"]').last
        page.wait_for_function(
            "e => e.textContent.includes('bo@example.org')", arg=history.element_handle()
        )
        text = history.text_content() or ""
        assert "eda@example.org" in text and "The family asked us to pause" in text
        screenshot(page, "case-history")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()


def test_the_one_time_link_printed_by_init_signs_in_once(
    browser: Any, editing_app: tuple[str, str], tmp_path: Path
) -> None:
    base, url = editing_app
    env = {**os.environ, "UADASH_DATABASE_URL": url}
    printed = run_uadash(env, "user", "link", "admin@localhost")
    link = base + "/session/link?" + printed.split("/session/link?", 1)[1].split()[0]
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    other = browser.new_page(viewport={"width": 1440, "height": 1000})  # another browser
    try:
        page.goto(link)
        wait_for_script(page)
        page.wait_for_selector('[data-testid="stSidebar"] >> text=Sign out')
        assert "token=" not in page.url
        assert page.locator(".st-key-pages").get_by_text("Edit cases").count()

        other.goto(link)  # used: the other browser stays signed out
        wait_for_script(other)
        assert "token=" not in other.url
        assert "already been used" in sidebar(other).inner_text()
        assert not other.locator(".st-key-pages").get_by_text("Edit cases").count()
    finally:
        page.close()
        other.close()
