"""The present page in Chromium as a projector shows it: 1920×1080, opened with `?present=1`
(sidebar collapsed), charts drawn, and a chart downloaded as PNG and SVG from the page."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, screenshot, serve, wait_for_script
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
CHART = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'


def test_present_opens_full_screen_for_a_projector(browser: Any, demo_server: str) -> None:
    page = browser.new_page(viewport=PROJECTOR)
    try:
        page.goto(demo_server + "/present?present=1")
        wait_for_script(page)
        page.wait_for_selector(CHART, timeout=30_000)
        page.wait_for_timeout(800)
        assert page.locator('[data-testid="stException"]').count() == 0
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "true"
        assert page.get_by_role("heading", name="Urgent Actions · This quarter").count()
        assert page.locator('[data-testid="stMetric"]').count() == 6
        assert page.locator('[data-testid="stVegaLiteChart"]').count() == 3
        # What the room sees: exactly one projector screen, nothing scrolled.
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "present.png"))
        screenshot(page, "present-full")  # and the whole page
        # One case: the sentence for a report and a statement per official appear below.
        page.set_viewport_size(PROJECTOR)
        page.goto(demo_server + "/present?present=1&case=44.22-2&period=last-year")
        wait_for_script(page)
        page.wait_for_selector(CHART, timeout=30_000)
        sentence = page.locator('[data-testid="stCode"]').first.inner_text()
        assert sentence.startswith("Between 1 January and 31 December 2025, supporters reported")
        assert "for Sophia Huang Xueqin and Wang Jianbing:" in sentence
        screenshot(page, "present-case")
    finally:
        page.close()


def test_without_present_the_sidebar_stays_open(browser: Any, demo_server: str) -> None:
    page = browser.new_page(viewport=PROJECTOR)
    try:
        page.goto(demo_server + "/present")
        wait_for_script(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "false"
    finally:
        page.close()


def test_a_chart_downloads_as_png_and_svg(browser: Any, demo_server: str) -> None:
    page = browser.new_page(viewport=PROJECTOR, accept_downloads=True)
    try:
        page.goto(demo_server + "/present?present=1&period=this-year")
        wait_for_script(page)
        page.wait_for_selector(CHART, timeout=30_000)
        buttons = page.locator('[data-testid="stDownloadButton"] button')
        with page.expect_download(timeout=30_000) as png:
            buttons.filter(has_text="PNG").first.click()
        name = png.value.suggested_filename
        assert name.startswith("actions-by-channel-over-time-uadash-") and name.endswith(".png")
        with open(png.value.path(), "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
        with page.expect_download(timeout=30_000) as svg:
            buttons.filter(has_text="SVG").first.click()
        with open(svg.value.path(), encoding="utf-8") as handle:
            text = handle.read()
        assert text.startswith("<svg") and "Actions per month, by channel" in text
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[str]:
    """A server no browser has visited yet, on the case files alone."""
    env = {**os.environ, "UADASH_DATABASE_URL": f"sqlite:///{tmp_path / 'uadash.db'}"}
    subprocess.run(
        [sys.executable, "-m", "uadash.cli", "init"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    yield from serve(env, tmp_path)


def test_the_projector_link_is_full_screen_on_a_freshly_started_server(
    browser: Any, fresh_server: str
) -> None:
    """A restarted server's first visitor, on the projector link: still through app.py
    (Streamlit would otherwise run pages/present.py on its own; see `session.engine`)."""
    page = browser.new_page(viewport=PROJECTOR)
    try:
        page.goto(fresh_server + "/present?present=1")
        wait_for_script(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "true"
        assert page.get_by_role("heading", name="Urgent Actions · This quarter").count()
    finally:
        page.close()
