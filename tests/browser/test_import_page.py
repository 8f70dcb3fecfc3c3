"""An editor in Chromium brings in a form export: a bad file shows every problem and writes
nothing, the fixed file imports, and the import is listed (and undoable) under Past imports.
The app runs on its own database so the other browser tests keep theirs as they expect."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import run_uadash, screenshot, serve, wait_for_script

pytestmark = pytest.mark.browser

BAD = (
    "UA,Target,Action type,Number,Date\r\n"
    "UA 44/22,Director Zhang Rui,Phone,2,2026-11-03\r\n"
    "44.22,Minister Wang,pigeon,0,2026-11-03\r\n"
    "UA 99/99,,letter,1,yesterday\r\n"
    "44.22,zhang jian,post,,2026-11-04\r\n"
)
GOOD = BAD.replace("44.22,Minister Wang,pigeon,0,2026-11-03\r\n", "").replace(
    "UA 99/99,,letter,1,yesterday\r\n", ""
)


@pytest.fixture(scope="module")
def import_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("importing")
    env = {
        **os.environ,
        "UADASH_DATABASE_URL": f"sqlite:///{folder / 'uadash.db'}",
        "UADASH_REPORTER_KEY": "browser-test-" + "k" * 40,
        "UADASH_TODAY": "2026-11-24",
    }
    env.pop("UADASH_REQUIRE_SIGN_IN", None)
    run_uadash(env, "init")
    for base in serve(env, folder):
        yield base, env


def main(page: Any) -> Any:
    return page.locator('[data-testid="stMain"]')


def upload(page: Any, name: str, text: str) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.wait_for_selector("text=The first rows as they will be read")
    wait_for_script(page)


def test_an_editor_sees_every_problem_of_a_bad_file_then_imports_the_fixed_one(
    browser: Any, import_app: tuple[str, dict[str, str]]
) -> None:
    base, env = import_app
    token = run_uadash(env, "user", "link", "admin@localhost").split("?token=", 1)[1].split()[0]
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(f"{base}/?token={token}")
        wait_for_script(page)
        screenshot(page, "import-signed-in")
        page.wait_for_selector('[data-testid="stSidebar"] >> text=Sign out')
        nav = page.locator(".st-key-pages")
        nav.get_by_text("Import reports", exact=True).click()
        page.wait_for_url("**/import**")
        wait_for_script(page)

        upload(page, "form-export.csv", BAD)
        screenshot(page, "import-preview")
        main(page).get_by_role("button", name="Import", exact=True).click()
        page.wait_for_selector("text=Nothing was imported: 2 rows of 4 rows have problems")
        wait_for_script(page)
        text = main(page).inner_text()
        assert "Download the problem list (CSV)" in text
        screenshot(page, "import-problems")

        upload(page, "form-export-fixed.csv", GOOD)
        # The first file's result belongs to that file: it goes with it.
        page.wait_for_selector("text=Nothing was imported", state="detached")
        wait_for_script(page)
        main(page).get_by_role("button", name="Import", exact=True).click()
        page.wait_for_selector("text=Imported 2 reports (3 actions)")
        wait_for_script(page)
        screenshot(page, "import-done")

        main(page).get_by_role("tab", name="Past imports").click()
        page.wait_for_selector("text=Undo an import")
        wait_for_script(page)
        history = main(page).locator('[data-testid="stDataFrame"]').filter(visible=True).last
        assert history.locator("tr", has_text="form-export-fixed.csv").count() == 1
        screenshot(page, "import-history")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()
    assert "Totals are exact" in run_uadash(env, "check")
