"""Every page in Chromium: the script finishes, charts are drawn, no exception is shown."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot, wait_for_script

pytestmark = pytest.mark.browser

PAGES = [
    ("overview", "/", 2),
    ("case", "/case?case=44.22-2", 5),
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
