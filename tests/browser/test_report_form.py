"""A supporter on a phone reports two letters to Zhang Rui on /report/44.22-2, served by
`uadash serve` beside the pages; the case page's total grows by exactly 2. A closed case's
form refuses. Saves docs/screenshots/report-form.png and report-thanks.png."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import run_uadash, serve, wait_for_script
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`uadash serve` on a fresh database with the shipped cases, on a free loopback port."""
    folder = tmp_path_factory.mktemp("report-form")
    env = {
        **os.environ,
        "UADASH_DATABASE_URL": f"sqlite:///{folder / 'uadash.db'}",
        "UADASH_REPORTER_KEY": "browser-test-" + "k" * 40,
    }
    for name in ("UADASH_REQUIRE_SIGN_IN", "UADASH_TODAY"):
        env.pop(name, None)
    run_uadash(env, "init", "--demo-reports", "0")
    yield from serve(env, folder)


def case_total(browser: Any, base: str) -> int:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{base}/case?case=44.22-2")
        wait_for_script(page)
        metric = page.locator('[data-testid="stMetric"]', has_text="Actions reported, all time")
        value = metric.locator('[data-testid="stMetricValue"]').inner_text()
        return int(value.replace(",", "").strip())
    finally:
        page.close()


def test_a_supporter_on_a_phone_reports_two_letters_and_the_case_total_grows_by_two(
    browser: Any, app_server: str
) -> None:
    before = case_total(browser, app_server)
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page.goto(f"{app_server}/report/44.22-2")
        page.wait_for_selector("text=Who did you contact?")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_SCREENSHOTS / "report-form.png"), full_page=True)

        page.get_by_label("Zhang Rui").check()
        page.get_by_label("Letter").check()
        page.get_by_label("How many, to each official, each way").fill("2")
        page.get_by_role("button", name="Send my report").click()
        page.wait_for_selector("text=Thank you!")
        assert "We added 2 actions" in page.inner_text("main")
        page.screenshot(path=str(DOCS_SCREENSHOTS / "report-thanks.png"), full_page=True)
    finally:
        page.close()
    assert case_total(browser, app_server) == before + 2


def test_a_closed_case_form_refuses(browser: Any, app_server: str) -> None:
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(f"{app_server}/report/39.26")
        text = page.inner_text("main")
        assert "has ended" in text
        assert page.locator("form").count() == 0
    finally:
        page.close()
