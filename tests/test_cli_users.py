"""The README's commands for people and history: `uadash user …`, `uadash history UA`, and
the one-time admin link that `uadash init` prints."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, text

from tests.conftest import CASES_DIR
from uadash import cli, queries, sessions, users
from uadash.access import SYSTEM, Actor
from uadash.cases import edits as case_edits
from uadash.database import open_database
from uadash.vocab import CaseStatus, Role

PASSWORD = "correct horse battery"
LINK = re.compile(r"http://localhost:(\d+)/session/link\?token=([\w-]+)")


@pytest.fixture
def url(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("UADASH_TODAY", "2026-11-24")
    return sqlite_url


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = open_database(url)
    yield engine
    engine.dispose()


def run(url: str, *argv: str, stdin: str = "") -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        return cli.main(["--database-url", url, *argv])


def test_user_add_with_password_stdin_then_sign_in(
    url: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["user", "add", "Ed@Example.org", "--role", "editor", "--password-stdin"]
    assert run(url, *add, stdin=PASSWORD + "\n") == 0
    assert "Added ed@example.org as editor, with a password." in capsys.readouterr().out
    assert users.sign_in(engine, "ed@example.org", PASSWORD).role is Role.editor


def test_user_add_prompts_twice_for_the_password(
    url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts: list[str] = []

    def answer(prompt: str) -> str:
        prompts.append(prompt)
        return PASSWORD

    monkeypatch.setattr("getpass.getpass", answer)
    assert run(url, "user", "add", "ana@example.org", "--role", "admin") == 0
    assert prompts == ["Password for ana@example.org: ", "The same password again: "]
    assert users.sign_in(engine, "ana@example.org", PASSWORD).role is Role.admin


def test_user_add_refuses_two_different_passwords_and_adds_nobody(
    url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    assert run(url, "user", "add", "ana@example.org") == 1
    assert "the two passwords differ" in capsys.readouterr().err
    assert users.list_users(engine, actor=SYSTEM) == []


def test_user_add_refuses_a_short_password(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url, "user", "add", "a@example.org", "--password-stdin", stdin="short\n") == 1
    assert "uadash: a password needs at least 12 characters" in capsys.readouterr().err


def test_user_add_oidc_list_role_and_remove(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url, "user", "add", "viv@example.org", "--oidc", "--name", "Viv") == 0
    assert "as viewer, with no password" in capsys.readouterr().out
    assert run(url, "user", "role", "viv@example.org", "editor") == 0
    assert run(url, "user", "list") == 0
    out = capsys.readouterr().out
    assert re.search(r"viv@example\.org\s+editor\s+provider or link\s+never\s+Viv", out)

    assert run(url, "user", "add", "viv@example.org", "--oidc") == 1
    assert "viv@example.org already has an account" in capsys.readouterr().err
    assert run(url, "user", "remove", "viv@example.org") == 0
    assert run(url, "user", "remove", "viv@example.org") == 1
    assert "viv@example.org has no account" in capsys.readouterr().err


def test_user_password_sets_and_removes_it(url: str, engine: Engine) -> None:
    run(url, "user", "add", "a@example.org", "--oidc")
    assert run(url, "user", "password", "a@example.org", "--password-stdin", stdin=PASSWORD) == 0
    assert users.sign_in(engine, "a@example.org", PASSWORD)
    assert run(url, "user", "password", "a@example.org", "--oidc") == 0
    with pytest.raises(users.SignInRefused):
        users.sign_in(engine, "a@example.org", PASSWORD)


def test_init_creates_an_admin_without_password_and_prints_a_one_time_link(
    url: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(url, "init", "--cases", str(CASES_DIR), "--port", "8502") == 0
    out = capsys.readouterr().out
    assert "Created the admin account admin@localhost. It has no password" in out
    found = LINK.search(out)
    assert found is not None and found.group(1) == "8502"
    with engine.connect() as connection:
        assert connection.scalar(text("select password_hash from users")) is None

    actor = users.redeem_sign_in_token(engine, found.group(2))
    assert actor == Actor("admin@localhost", Role.admin, "Administrator")
    with pytest.raises(users.SignInRefused):
        users.redeem_sign_in_token(engine, found.group(2))


def test_init_again_prints_a_new_link_for_the_same_admin_and_the_old_one_dies(
    url: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    run(url, "init", "--cases", str(CASES_DIR))
    first = LINK.search(capsys.readouterr().out)
    run(url, "init", "--cases", str(CASES_DIR))
    out = capsys.readouterr().out
    second = LINK.search(out)
    assert first and second and first.group(2) != second.group(2)
    assert second.group(1) == "8501"  # the default port
    assert "Created the admin account" not in out
    with pytest.raises(users.SignInRefused):
        users.redeem_sign_in_token(engine, first.group(2))
    assert users.redeem_sign_in_token(engine, second.group(2)).role is Role.admin


def test_user_link_for_a_deployment_address(
    url: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    run(url, "user", "add", "ed@example.org", "--role", "editor", "--oidc")
    assert run(url, "user", "link", "ed@example.org", "--app-url", "https://ua.example.org") == 0
    printed = capsys.readouterr().out
    found = re.search(r"https://ua\.example\.org/session/link\?token=([\w-]+)", printed)
    assert found is not None
    assert users.redeem_sign_in_token(engine, found.group(1)).identity == "ed@example.org"
    assert run(url, "user", "link", "nobody@example.org") == 1


def test_history_prints_who_changed_what(
    url: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    run(url, "load-cases", str(CASES_DIR / "ua-44.22-2-china.yaml"))
    case = queries.find_case(engine, "44.22")
    assert case is not None
    assert run(url, "history", "44.22") == 0
    assert "No changes recorded." in capsys.readouterr().out

    editor = Actor("ed@example.org", Role.editor)
    edit = case_edits.CaseEdit(
        case.id,
        case.version,
        status=CaseStatus.paused,
        deadline=date(2026, 12, 31),
        note="family asked to pause",
    )
    case_edits.edit_case(engine, edit, actor=editor)
    assert run(url, "history", "UA 44.22-2") == 0
    out = capsys.readouterr().out
    assert out.startswith("UA 44.22 (update 2): Two activists faced unjust conviction\n")
    assert re.search(r"ed@example\.org\s+status\s+active\s+paused\s+family asked to pause", out)
    assert re.search(r"ed@example\.org\s+deadline\s+2025-03-18\s+2026-12-31", out)
    assert run(url, "history", "99.99") == 1
    assert "there is no case '99.99'" in capsys.readouterr().err


def test_user_sessions_lists_and_user_sign_out_ends_them(
    url: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    users.add_user(engine, "ana@example.org", role=Role.editor, password=None, actor=SYSTEM)
    assert run(url, "user", "sessions", "ana@example.org") == 0
    assert "signed in nowhere" in capsys.readouterr().out
    opened = sessions.open_session(
        engine, "ana@example.org", method="link", user_agent="Mozilla/5.0 Firefox/140"
    )
    assert run(url, "user", "sessions", "ana@example.org") == 0
    listed = capsys.readouterr().out
    assert "link" in listed and "Firefox/140" in listed
    assert run(url, "user", "sign-out", "ana@example.org") == 0
    assert "out of 1 session " in capsys.readouterr().out
    with pytest.raises(sessions.SessionEnded, match="An admin signed you out"):
        sessions.resolve(engine, session_id=opened.session_id)
    assert run(url, "user", "sign-out", "nobody@example.org") == 1
    assert "nobody@example.org has no account" in capsys.readouterr().err
