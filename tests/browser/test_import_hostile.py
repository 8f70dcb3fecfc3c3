"""The import page in Chromium, given each bad file of issue 13: a message, no traceback, and
nothing written. The app runs on its own database."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import run_uadash, screenshot, serve, wait_for_script
from tests.hostile_files import BAD_FILES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("hostile")
    env = {
        **os.environ,
        "UADASH_DATABASE_URL": f"sqlite:///{folder / 'uadash.db'}",
        "UADASH_REPORTER_KEY": "browser-test-" + "k" * 40,
        "UADASH_TODAY": "2026-11-24",
        "UADASH_ERROR_LOG": str(folder / "errors.log"),
    }
    env.pop("UADASH_REQUIRE_SIGN_IN", None)
    run_uadash(env, "init", "--demo-reports", "0")
    for base in serve(env, folder):
        yield base, env


def test_each_bad_file_gets_a_message_and_no_traceback(
    browser: Any, hostile_app: tuple[str, dict[str, str]]
) -> None:
    base, env = hostile_app
    token = run_uadash(env, "user", "link", "admin@localhost").split("?token=", 1)[1].split()[0]
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(f"{base}/?token={token}")
        wait_for_script(page)
        page.wait_for_selector('[data-testid="stSidebar"] >> text=Sign out')
        nav = page.locator(".st-key-pages")
        nav.get_by_text("Import reports", exact=True).click()
        page.wait_for_url("**/import**")
        wait_for_script(page)
        for case, (name, data, expected) in BAD_FILES.items():
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
                files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
            )
            main = page.locator('[data-testid="stMain"]')
            alerts = main.locator('[data-testid="stAlert"]')  # st.error, st.warning
            # The file's own problem, or (a problem in a row, listed in the table below it)
            # the summary of a refused import.
            message = alerts.filter(
                has_text=re.compile(f"{re.escape(expected)}|Nothing was imported: 1 ")
            ).first
            button = main.get_by_role("button", name="Import", exact=True)
            # The message comes with the preview, or (a problem in a row) from the import.
            message.or_(button).first.wait_for(timeout=60_000)
            wait_for_script(page)
            if "Choose the case each advocacy campaign is for" in main.inner_text():
                main.locator('[data-testid="stSelectbox"]').first.click()
                page.get_by_role("option").filter(has_text="44.22").first.click()
                wait_for_script(page)
            if not message.count() and button.is_enabled():
                button.click()
                message.wait_for(timeout=60_000)
                wait_for_script(page)
            text = main.inner_text()
            screenshot(page, f"hostile-{name.rsplit('.', 1)[0]}")
            shown = " ".join(alerts.all_inner_texts())
            assert expected in shown or "Nothing was imported: 1 " in (shown), (case, shown)
            assert "Traceback" not in text and "error id" not in text, case
            assert not page.locator('[data-testid="stException"]').count(), case
        assert run_uadash(env, "imports").strip() == "No imports yet."  # nothing was written
    finally:
        page.close()
