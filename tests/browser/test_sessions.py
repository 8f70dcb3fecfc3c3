"""Sign-in that lasts, on the real server (`uadash serve`) in Chromium: a link sign-in
survives a reload, a new tab and a restart; sign-out reaches every tab; an expired session
and a tampered cookie are signed out with a message; a fresh server never lists the editing
pages to a visitor; sixteen browsers guessing at once cannot overrun the lock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import run_uadash, screenshot, serve, wait_for_script
from uadash import sessions, users
from uadash.access import SYSTEM
from uadash.database import open_database
from uadash.vocab import Role

pytestmark = pytest.mark.browser

EMAIL = "eda@example.org"
PASSWORD = "correct horse battery"
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    folder = tmp_path_factory.mktemp("sessions")
    env = {**os.environ, "UADASH_DATABASE_URL": f"sqlite:///{folder / 'uadash.db'}"}
    for name in ("UADASH_TODAY", "UADASH_REQUIRE_SIGN_IN"):
        env.pop(name, None)
    run_uadash(env, "init", "--demo-reports", "1000")
    run_uadash(env, "user", "add", EMAIL, "--role", "editor", "--password-stdin", stdin=PASSWORD)
    return env, folder


@pytest.fixture(scope="module")
def server(prepared: tuple[dict[str, str], Path]) -> Iterator[str]:
    yield from serve(*prepared)


def link(env: dict[str, str], base: str, email: str = "admin@localhost") -> str:
    printed = run_uadash(env, "user", "link", email)
    return base + "/session/link?" + printed.split("/session/link?", 1)[1].split()[0]


def sidebar_text(page: Any) -> str:
    return str(page.locator('[data-testid="stSidebar"]').inner_text())


def signed_in(page: Any) -> bool:
    return (
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").count() > 0
    )


def open_page(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto(url)
    wait_for_script(page)
    return page


def click_overview(page: Any) -> None:
    page.locator(".st-key-pages").get_by_text("Overview").click()
    wait_for_script(page)


def test_a_link_sign_in_survives_a_reload_a_new_tab_and_a_restart(
    browser: Any, prepared: tuple[dict[str, str], Path]
) -> None:
    env, folder = prepared
    context = browser.new_context(viewport=VIEWPORT)
    try:
        for base in serve(env, folder):
            page = open_page(context, link(env, base))
            assert "token" not in page.url and page.url == base + "/"
            assert signed_in(page)
            cookie = next(c for c in context.cookies() if c["name"] == sessions.COOKIE_NAME)
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            page.reload()
            wait_for_script(page)
            assert signed_in(page)
            assert signed_in(open_page(context, base + "/case?case=44.22-2"))  # a new tab
        for base in serve(env, folder):  # the server restarted (on another port)
            page = open_page(context, base + "/edit")
            assert signed_in(page)
            assert (
                "needs an editor's sign-in"
                not in page.locator('[data-testid="stMain"]').inner_text()
            )
            screenshot(page, "session-after-restart")
    finally:
        context.close()


def test_sign_out_signs_out_every_tab_of_the_session(
    browser: Any, server: str, prepared: tuple[dict[str, str], Path]
) -> None:
    env, _ = prepared
    context = browser.new_context(viewport=VIEWPORT)
    try:
        first = open_page(context, link(env, server))
        second = open_page(context, server + "/letters")
        assert signed_in(first) and signed_in(second)
        first.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
        first.wait_for_selector("text=You were signed out.")
        wait_for_script(first)
        assert not signed_in(first)
        first.wait_for_function(
            f"() => !document.cookie.includes('{sessions.COOKIE_NAME}')"
        )  # HttpOnly: never in document.cookie anyway; the context's jar tells
        second.wait_for_timeout(500)
        assert sessions.COOKIE_NAME not in [c["name"] for c in context.cookies()]

        click_overview(second)  # the other tab's next click
        assert not signed_in(second)
        assert "You were signed out." in sidebar_text(second)
        screenshot(second, "session-signed-out-other-tab")
        third = open_page(context, server + "/")
        assert not signed_in(third)
    finally:
        context.close()


def test_an_expired_session_and_a_tampered_cookie_are_signed_out_with_a_message(
    browser: Any, server: str, prepared: tuple[dict[str, str], Path]
) -> None:
    env, _ = prepared
    engine = open_database(env["UADASH_DATABASE_URL"])
    context = browser.new_context(viewport=VIEWPORT)
    try:
        sessions.end_sessions(engine, "admin@localhost", actor=SYSTEM)  # earlier tests'
        page = open_page(context, link(env, server))
        assert signed_in(page)
        (live,) = sessions.list_sessions(engine, "admin@localhost", actor=SYSTEM)
        later = datetime.now(UTC) + timedelta(days=60)  # past its idle time and lifetime
        with pytest.raises(sessions.SessionEnded):
            sessions.resolve(engine, session_id=live.session_id, now=later)
        page.reload()
        wait_for_script(page)
        assert not signed_in(page)
        assert "Your sign-in expired" in sidebar_text(page)
        screenshot(page, "session-expired")

        page = open_page(context, link(env, server))
        assert signed_in(page)
        (cookie,) = [c for c in context.cookies() if c["name"] == sessions.COOKIE_NAME]
        value = cookie["value"]
        cookie["value"] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
        context.add_cookies([cookie])
        page.reload()
        wait_for_script(page)
        assert not signed_in(page)
        assert "could not be read" in sidebar_text(page)
        screenshot(page, "session-tampered-cookie")
    finally:
        context.close()
        engine.dispose()


WATCH_EDITING = """
window.__editingShown = [];
new MutationObserver(() => {
  // Our page links (.st-key-pages) and Streamlit's own navigation, which lists the raw page
  // files on a fresh server if anything goes wrong.
  const navs = document.querySelectorAll('.st-key-pages, [data-testid="stSidebarNav"]');
  const text = Array.from(navs, (nav) => nav.innerText).join(" ");
  const links = document.querySelectorAll(
    'a[href$="/edit"], a[href*="/edit?"], a[href$="/import"], a[href*="/import?"]'
  );
  if (/Edit cases|Import reports|\\bedit\\b|\\bimport\\b/.test(text) || links.length) {
    window.__editingShown.push(text);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_a_fresh_server_never_lists_the_editing_pages_and_edit_asks_for_sign_in(
    browser: Any, prepared: tuple[dict[str, str], Path]
) -> None:
    env, folder = prepared
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(WATCH_EDITING)
    try:
        for base in serve(env, folder):  # a freshly started server: this is its first request
            page = open_page(context, base + "/")
            page.wait_for_timeout(1500)
            assert page.evaluate("window.__editingShown") == []
            navigation = page.locator(".st-key-pages").inner_text()
            assert "Overview" in navigation and "Edit cases" not in navigation

            page.goto(base + "/edit")
            wait_for_script(page)
            body = page.locator('[data-testid="stMain"]').inner_text()
            assert "Changing cases needs an editor's sign-in." in body
            assert "Page not found" not in page.content()
            form = page.locator('[data-testid="stMain"]')
            assert (
                form.get_by_label("Email", exact=True).count()
                and form.get_by_label("Password", exact=True).count()
            )
            assert "Edit cases" not in page.locator(".st-key-pages").inner_text()
            screenshot(page, "edit-signed-out")

            form.get_by_label("Email", exact=True).fill(EMAIL)  # sign in right there
            form.get_by_label("Password", exact=True).fill(PASSWORD)
            form.get_by_role("button", name="Sign in").click()
            page.wait_for_selector('[data-testid="stSidebar"] >> text=Sign out')
            wait_for_script(page)
            assert (
                "needs an editor's sign-in"
                not in page.locator('[data-testid="stMain"]').inner_text()
            )
            page.reload()  # the password sign-in was handed to the browser as its cookie
            wait_for_script(page)
            assert signed_in(page)
    finally:
        context.close()


def test_sixteen_browsers_guessing_at_once_cannot_overrun_the_lock(
    browser: Any, server: str, prepared: tuple[dict[str, str], Path]
) -> None:
    env, _ = prepared
    engine = open_database(env["UADASH_DATABASE_URL"])
    victim = "vic@example.org"
    users.add_user(engine, victim, role=Role.editor, password=PASSWORD, actor=SYSTEM)
    # Nine failures already, an hour ago, each as soon as it was allowed: one more locks.
    moment = datetime.now(UTC) - timedelta(hours=1)
    for failures in range(users.POLICY.lock_after - 1):
        moment += users.POLICY.wait_after(failures)
        with pytest.raises(users.SignInRefused):
            users.sign_in(engine, victim, "an old wrong guess", now=moment)

    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(16)]
    try:
        pages = []
        for context in contexts:
            page = open_page(context, server + "/")
            bar = page.locator('[data-testid="stSidebar"]')
            bar.get_by_text("Sign in", exact=True).first.click()
            bar.get_by_label("Email", exact=True).fill(victim)
            bar.get_by_label("Password", exact=True).fill("a wrong guess!")
            pages.append(page)
        for page in pages:  # as close to the same moment as one driver can
            page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign in").click(
                no_wait_after=True
            )
        answers = []
        for page in pages:
            page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stAlert"]')
            wait_for_script(page)
            answers.append(sidebar_text(page))
        checked = [a for a in answers if "Wrong email or password." in a]
        assert len(checked) == 1  # the tenth failure, then the lock
        assert "this email is locked for 15 minutes" in checked[0]
        assert sum("it is locked for another" in a for a in answers) == 15

        right = pages[0].locator('[data-testid="stSidebar"]')
        right.get_by_label("Email", exact=True).fill(victim)
        right.get_by_label("Password", exact=True).fill(PASSWORD)
        right.get_by_role("button", name="Sign in").click()
        pages[0].wait_for_selector("text=it is locked for another")
        wait_for_script(pages[0])
        assert not signed_in(pages[0])
        screenshot(pages[0], "sign-in-locked")
    finally:
        for context in contexts:
            context.close()
        engine.dispose()
