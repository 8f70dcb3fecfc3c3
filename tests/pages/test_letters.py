"""The letter preview page, run with AppTest on a real database."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.pages.conftest import open_app

SEED = "44.22-2"


def test_letters_page_on_an_empty_database(app_database: Engine) -> None:
    app = open_app("pages/letters.py")
    assert not app.exception
    assert any("no cases yet" in info.value for info in app.info)


def test_seed_letter_for_each_primary_target(demo_database: Engine) -> None:
    app = open_app("pages/letters.py", case=SEED)
    assert not app.exception
    assert len(app.radio[0].options) == 3
    first = app.text[0].value
    assert "Dear Director Zhang Rui," in first
    assert "No. 200, Qiyi Road," in first
    assert "CC: Ambassador Xie Fang, Chinese Embassy in the United States" in first

    app.radio[0].set_value("Zhang Jian").run()
    assert app.query_params["target"] == "Zhang Jian"  # a shared link opens this letter
    second = app.text[0].value
    assert "Dear Chief Procurator Zhang Jian," in second
    assert "No. 66, Huangpu Dadao Xi," in second
    assert "Zhang Rui" not in second


def test_writer_name_fills_the_placeholder(demo_database: Engine) -> None:
    app = open_app("pages/letters.py", case=SEED)
    assert "[YOUR NAME]" in app.text[0].value
    app.text_input(key="letters-writer").input("Ana Lee").run()
    letter = app.text[0].value
    assert "[YOUR NAME]" not in letter
    assert letter.rstrip().splitlines()[-3] == "Ana Lee"


def test_drafts_and_warnings_for_the_embassy(demo_database: Engine) -> None:
    app = open_app("pages/letters.py", case=SEED)
    app.radio[0].set_value("Xie Fang").run()
    assert not app.exception
    warnings = " ".join(w.value for w in app.warning)
    assert "email" in warnings.lower()  # the sample obfuscates the embassy's address
    assert "Dear Ambassador Xie Fang," in app.text[0].value
    codes = [c.value for c in app.code]
    assert any("Dear Ambassador Xie Fang," in c for c in codes)  # the email body
    assert any(m.value.startswith("**To:** —") for m in app.markdown)


def test_a_shared_link_opens_the_same_target(demo_database: Engine) -> None:
    app = open_app("pages/letters.py", case=SEED, target="Xie Fang")
    assert not app.exception
    assert app.radio[0].value == "Xie Fang"
    assert "Dear Ambassador Xie Fang," in app.text[0].value


def test_every_letter_prints_from_one_name(demo_database: Engine) -> None:
    app = open_app("pages/letters.py", case=SEED)
    labels = [button.label for button in app.get("download_button")]
    assert labels[:2] == ["PDF", "Word"]
