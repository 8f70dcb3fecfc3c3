"""Every page in Chromium: the script finishes, charts are drawn, no exception is shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot, serve, wait_for_script

pytestmark = pytest.mark.browser

PAGES = [
    ("overview", "/", 1),  # over time by channel; by case when chosen (below)
    ("case", "/case?case=44.22-2&period=lifetime", 5),
    ("letters", "/letters?case=44.22-2", 0),
]


@pytest.mark.parametrize(("name", "path", "charts"), PAGES, ids=[p[0] for p in PAGES])
def test_page_draws_without_errors(
    browser: Any, demo_server: str, name: str, path: str, charts: int
) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(demo_server + path)
        wait_for_script(page)
        if charts:
            page.wait_for_selector(
                '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg',
                timeout=30_000,
            )
        screenshot(page, name)
        assert page.locator('[data-testid="stException"]').count() == 0
        drawn = page.locator('[data-testid="stVegaLiteChart"]').count()
        assert drawn >= charts, f"{name}: {drawn} charts drawn, expected {charts}"
    finally:
        page.close()


def test_the_overview_chart_shows_by_case_when_chosen(browser: Any, demo_server: str) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(demo_server + "/")
        wait_for_script(page)
        page.get_by_text("By case", exact=True).click()
        wait_for_script(page)
        page.wait_for_selector(
            '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg',
            timeout=30_000,
        )
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stVegaLiteChart"]').count() == 1
    finally:
        page.close()


def test_selecting_a_case_row_opens_its_case_page(browser: Any, demo_server: str) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(demo_server + "/")
        wait_for_script(page)
        grid = page.locator('[data-testid="stDataFrame"]').first
        box = grid.bounding_box()
        assert box is not None
        # The grid is drawn on a canvas: click the first row's selection box, just under the
        # header row (both rows are about 35 px high).
        page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)
        page.wait_for_url("**/case?case=*", timeout=30_000)
        wait_for_script(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        # The most urgent case comes first: its deadline passed 10 days ago. (The seed case's
        # action has no end date: it is past its suggested date, open, and less urgent.)
        assert "case=88.26-1" in page.url
        assert page.get_by_role("heading", name="Trade unionist denied medical care").count()
    finally:
        page.close()


def test_a_shared_link_works_as_the_first_visit_to_a_new_server(
    browser: Any, demo_environment: tuple[dict[str, str], Path]
) -> None:
    """Streamlit serves pages/ files on their own until app.py has run once; a link to a case
    opened first on a freshly started server must still get the app's navigation and layout."""
    for base in serve(*demo_environment):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        try:
            page.goto(base + "/case?case=44.22")
            wait_for_script(page)
            page.wait_for_selector(".st-key-pages a")
            navigation = page.locator(".st-key-pages").inner_text()
            assert "Letter preview" in navigation
            assert "app" not in navigation.split()
            assert page.get_by_role("heading", name="Two activists faced unjust conviction").count()
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            page.close()
