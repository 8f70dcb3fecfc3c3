"""The New case page with AppTest: an editor pastes the seed UA into an empty database, checks
the draft (every field filled from the text, with its source line), saves, and the case is
the hand-made one; a second text of the same UA is saved as its next update; bad texts are
refused with a message and write nothing; viewers cannot get at it."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from tests.conftest import CASES_DIR, ROOT, SEED_SAMPLE
from tests.pages.conftest import TODAY
from tests.pages.test_edit import EDITOR, VIEWER, as_actor
from uadash import queries
from uadash.cases import create
from uadash.cases.files import file_values_of_case, file_values_of_spec, read_case_file
from uadash.letters import render_letter
from uadash.store.models import AuditEvent, Case

SEED_FILE = CASES_DIR / "ua-44.22-2-china.yaml"
PAGE = "pages/new_case.py"


def read(app: AppTest, text: str) -> AppTest:
    app.text_area(key="newcase.pasted").input(text)
    app.button(key="newcase.read-pasted").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def field(app: AppTest, name: str) -> str:
    return f"newcase.{app.session_state['newcase.token']}.{name}"


def count_cases(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(Case)) or 0)


def save(app: AppTest) -> AppTest:
    app.button(key=field(app, "save")).click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_seed_text_pasted_checked_and_saved_is_the_hand_made_case(app_database: Engine) -> None:
    app = read(as_actor(EDITOR, PAGE), SEED_SAMPLE.read_text(encoding="utf-8"))

    assert app.text_input(key=field(app, "ua_number")).value == "44.22"
    assert app.number_input(key=field(app, "update_number")).value == 2
    assert any("line 3" in caption.value for caption in app.caption)  # the UA number's line
    assert any("email is hidden" in warning.value for warning in app.warning)
    letters = [
        text.value for text in app.text if "I am writing to express my concern" in text.value
    ]
    assert len(letters) == 3 and "Zhang Rui\nDirector of Guangzhou" in letters[0]

    # What a person adds on checking: what the text does not say, in the hand-made file's words.
    hand_made = read_case_file(SEED_FILE, today=TODAY)
    app.text_input(key=field(app, "title")).input(hand_made.title)
    app.text_input(key=field(app, "tags")).input(", ".join(hand_made.tags))
    app.text_area(key=field(app, "people")).input(
        "\n".join(
            f"{p['name']} | {p['native_name']} | {p['description']}"
            for p in hand_made.people_at_risk
        )
    )
    app.run()
    save(app)

    assert any("Saved UA 44.22 (update 2)" in s.value for s in app.success)
    case = queries.find_case(app_database, "44.22-2")
    assert case is not None
    saved = file_values_of_case(case)
    expected = file_values_of_spec(hand_made)
    # Not from the text: the hand-made file keeps the page with its own line breaks, and a
    # staff note on the embassy's hidden email (the page warns about it instead).
    saved.pop("source_text"), expected.pop("source_text")
    for target in expected["targets"]:
        target["note"] = None
    assert saved == expected
    assert case.source_text == SEED_SAMPLE.read_text(encoding="utf-8")
    # The letters previewed before saving are those the letter page now gives.
    assert letters == [
        render_letter(case, target, on=TODAY).text.rstrip("\n") for target in case.targets
    ]
    with app_database.connect() as connection:
        events = connection.execute(select(AuditEvent.actor, AuditEvent.new_value)).all()
    assert [tuple(e) for e in events] == [("ed@example.org", "created from text")]


def test_a_text_of_a_ua_already_saved_is_offered_as_its_next_update(app_database: Engine) -> None:
    app = read(as_actor(EDITOR, PAGE), SEED_SAMPLE.read_text(encoding="utf-8"))
    save(app)
    app = read(app, SEED_SAMPLE.read_text(encoding="utf-8").replace("Second", "Third"))

    notice = " ".join(info.value for info in app.info)
    assert "UA 44.22 is already in the database" in notice
    assert "saved as **update 3**" in notice
    save(app)
    assert any("It supersedes UA 44.22 (update 2)" in s.value for s in app.success)
    entries = create.timeline(app_database, "44.22")
    assert [(e.update_number, e.superseded_by) for e in entries] == [
        (2, "UA 44.22 (update 3)"),
        (3, None),
    ]


def test_bad_texts_get_a_message_and_write_nothing(app_database: Engine) -> None:
    app = as_actor(EDITOR, PAGE)
    for text, words in [
        ("", "the text is empty"),
        ("Dear diary, today it rained.", "not an Urgent Action"),
        ("x" * (20 * 1024 * 1024 + 1), "over the 20 MB limit"),
        ("UA\x00\x01 sample letter", "binary data"),
    ]:
        read(app, text)
        assert any(words in error.value for error in app.error), (words, app.error)
        assert "newcase.draft" not in app.session_state
    assert count_cases(app_database) == 0


def test_a_text_with_no_ua_number_is_drafted_but_not_saved_until_one_is_given(
    app_database: Engine,
) -> None:
    text = SEED_SAMPLE.read_text(encoding="utf-8").replace("UA: China Second 44.22", "UA: China")
    text = text.replace("Urgent Action 44.22", "Urgent Action")
    app = read(as_actor(EDITOR, PAGE), text)
    assert app.text_input(key=field(app, "ua_number")).value == ""
    save(app)
    assert any("ua_number" in error.value or "UA number" in error.value for error in app.error)
    assert count_cases(app_database) == 0


def test_a_viewer_at_the_page_is_asked_to_sign_in_and_its_script_refuses(
    app_database: Engine,
) -> None:
    app = as_actor(VIEWER)
    app.switch_page(PAGE).run()  # unlisted, but a link to it gets no "Page not found"
    assert "needs an editor's sign-in" in app.error[0].value
    assert app.text_input(key="sign-in-page-email")
    alone = AppTest.from_file(str(ROOT / PAGE), default_timeout=30).run()
    assert "needs an editor's sign-in" in alone.error[0].value
    assert not alone.text_area
    assert [b.label for b in alone.button] == ["Sign in"]
