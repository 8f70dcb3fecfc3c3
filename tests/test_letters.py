"""Letters, emails, tweets and call scripts, checked against the real case UA 44.22 (update 2)."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uadash.letters import (
    MAILTO_MAX_LENGTH,
    call_script,
    email_draft,
    letter_filename,
    mailto_url,
    render_letter,
    tweet_draft,
    tweet_length,
)
from uadash.store.models import Case, Target
from uadash.vocab import TargetRole

CASES_DIR = Path(__file__).resolve().parents[1] / "data" / "cases"
ON = date(2026, 11, 24)

# The three paragraphs of the sample letter of UA 44.22, second update, as published
# ("Wang Jiangbing" in the first paragraph is the page's own spelling).
SAMPLE_BODY = (
    "I am writing to express my concern for #MeToo activist, Huang Xueqin (黄雪琴), and labor "
    "activist, Wang Jiangbing (王建兵). On June 14, 2024, Huang was sentenced to five years and "
    "Wang to three years and six months, for “inciting subversion of state power” "
    "(煽动颠覆国家政权).\n"
    "\n"
    "Furthermore, I am concerned about their health. Wang has serious heart and "
    "gastrointestinal problems and has been unable to receive timely and appropriate "
    "treatment. Huang was also reported to be suffering from prolonged amenorrhea and sudden "
    "weight loss, among other health problems.   \n"
    "\n"
    "Therefore, I urge you to release Sophia Huang Xueqin and Wang Jianbing immediately and "
    "unconditionally as they have been convicted only for exercising their rights to freedom "
    "of expression and association. Pending their release, ensure that they have prompt access "
    "to adequate medical care, and that they are not subjected to torture or other forms of "
    "ill-treatment."
)


def zhang_rui() -> Target:
    return Target(
        position=0,
        role=TargetRole.primary,
        name="Zhang Rui",
        title="Director of Guangzhou Public Security Bureau",
        organisation="Guangzhou Public Security Bureau",
        address="No. 200, Qiyi Road,\nGuangzhou, Guangdong Sheng, 510030\n"
        "People’s Republic of China",
        salutation="Dear Director Zhang Rui,",
    )


def zhang_jian() -> Target:
    return Target(
        position=1,
        role=TargetRole.primary,
        name="Zhang Jian",
        title="Chief Procurator",
        organisation="Guangzhou City People’s Procuratorate",
        address="No. 66, Huangpu Dadao Xi,\nGuangzhou, Guangdong Sheng, 510600\n"
        "People’s Republic of China",
        salutation="Dear Chief Procurator Zhang Jian,",
    )


def xie_fang() -> Target:
    # The page hides the embassy's email address ("[email protected]"): none on file.
    return Target(
        position=2,
        role=TargetRole.cc,
        name="Xie Fang",
        title="Ambassador",
        organisation="Chinese Embassy in the United States",
        address="3505 International Place, NW,\nWashington DC 20008",
    )


def seed_case(**changes: object) -> Case:
    """UA 44.22, second update, built from the published action page."""
    values: dict[str, object] = {
        "ua_number": "44.22",
        "update_number": 2,
        "title": "Two activists faced unjust conviction",
        "country": "China",
        "people_at_risk": [
            {"name": "Sophia Huang Xueqin", "native_name": "黄雪琴"},
            {"name": "Wang Jianbing", "native_name": "王建兵"},
        ],
        "sample_letter": SAMPLE_BODY,
        "sign_off": "Yours sincerely,\n\n[YOUR NAME]",
        "targets": [zhang_rui(), zhang_jian(), xie_fang()],
    }
    values.update(changes)
    return Case(**values)


def target_named(case: Case, name: str) -> Target:
    return next(target for target in case.targets if target.name == name)


# --- the letter ------------------------------------------------------------------------------


def test_letter_to_zhang_rui_is_laid_out_exactly_as_sent() -> None:
    case = seed_case()
    letter = render_letter(
        case,
        target_named(case, "Zhang Rui"),
        writer_name="Ana Lee",
        writer_address="12 High Street\nLeeds LS1 4AB\nUnited Kingdom",
        on=ON,
    )
    body = SAMPLE_BODY.replace("health problems.   \n", "health problems.\n")
    assert letter.text == (
        "Ana Lee\n12 High Street\nLeeds LS1 4AB\nUnited Kingdom\n"
        "\n"
        "24 November 2026\n"
        "\n"
        "Zhang Rui\n"
        "Director of Guangzhou Public Security Bureau\n"
        "Guangzhou Public Security Bureau\n"
        "No. 200, Qiyi Road,\n"
        "Guangzhou, Guangdong Sheng, 510030\n"
        "People’s Republic of China\n"
        "\n"
        "Dear Director Zhang Rui,\n"
        "\n"
        f"{body}\n"
        "\n"
        "Yours sincerely,\n"
        "\n"
        "Ana Lee\n"
        "\n"
        "CC: Ambassador Xie Fang, Chinese Embassy in the United States\n"
    )
    assert letter.warnings == []
    assert letter.placeholders == ()


def test_each_primary_target_gets_its_own_salutation_and_address() -> None:
    case = seed_case()
    rui = render_letter(case, target_named(case, "Zhang Rui"), on=ON)
    jian = render_letter(case, target_named(case, "Zhang Jian"), on=ON)

    assert rui.salutation == "Dear Director Zhang Rui,"
    assert jian.salutation == "Dear Chief Procurator Zhang Jian,"
    assert jian.address_block == (
        "Zhang Jian\n"
        "Chief Procurator\n"
        "Guangzhou City People’s Procuratorate\n"
        "No. 66, Huangpu Dadao Xi,\n"
        "Guangzhou, Guangdong Sheng, 510600\n"
        "People’s Republic of China"
    )
    # As the UA sheet prints it: the title, then the organisation on a line of its own.
    assert rui.address_block.splitlines()[1:4] == [
        "Director of Guangzhou Public Security Bureau",
        "Guangzhou Public Security Bureau",
        "No. 200, Qiyi Road,",
    ]
    assert "Zhang Jian" not in rui.text
    assert "Zhang Rui" not in jian.text


def test_primary_letters_copy_the_embassy_and_not_the_other_primary_target() -> None:
    case = seed_case()
    letter = render_letter(case, target_named(case, "Zhang Jian"), on=ON)
    assert letter.cc_line == "CC: Ambassador Xie Fang, Chinese Embassy in the United States"
    assert letter.text.endswith(letter.cc_line + "\n")


def test_letter_to_the_cc_target_is_addressed_to_it_and_copies_only_other_ccs() -> None:
    consulate = Target(
        role=TargetRole.cc,
        name="Li Ming",
        title="Consul General",
        organisation="Chinese Consulate General in New York",
    )
    case = seed_case(targets=[zhang_rui(), zhang_jian(), xie_fang(), consulate])

    to_embassy = render_letter(case, target_named(case, "Xie Fang"), on=ON)
    assert to_embassy.salutation == "Dear Ambassador Xie Fang,"
    assert to_embassy.address_block.startswith("Xie Fang\nAmbassador\n")
    assert to_embassy.cc_line == (
        "CC: Consul General Li Ming, Chinese Consulate General in New York"
    )

    alone = seed_case()
    assert render_letter(alone, target_named(alone, "Xie Fang"), on=ON).cc_line == ""
    assert "CC:" not in render_letter(alone, target_named(alone, "Xie Fang"), on=ON).text


def test_blank_writer_leaves_the_placeholders_visible() -> None:
    case = seed_case()
    letter = render_letter(case, target_named(case, "Zhang Rui"), writer_name="  ", on=ON)
    assert letter.sender_block == "[YOUR NAME]\n[YOUR ADDRESS]"
    assert letter.sign_off == "Yours sincerely,\n\n[YOUR NAME]"
    assert letter.placeholders == ("[YOUR NAME]", "[YOUR ADDRESS]")


def test_writer_name_fills_every_name_placeholder() -> None:
    case = seed_case(sign_off="With respect,\n[Your Name]\nMember, [YOUR NAME] household")
    letter = render_letter(case, target_named(case, "Zhang Rui"), writer_name="Ana Lee", on=ON)
    assert letter.sign_off == "With respect,\nAna Lee\nMember, Ana Lee household"
    assert "[YOUR NAME]" not in letter.text.upper()
    assert letter.placeholders == ("[YOUR ADDRESS]",)


@pytest.mark.parametrize(
    ("title", "salutation"),
    [
        ("Ambassador", "Dear Ambassador Xie Fang,"),
        ("Chief Procurator", "Dear Chief Procurator Xie Fang,"),
        ("Director of the Provincial Prison Administration", "Dear Xie Fang,"),
        (None, "Dear Xie Fang,"),
    ],
)
def test_salutation_falls_back_on_title_and_name(title: str | None, salutation: str) -> None:
    target = Target(role=TargetRole.primary, name="Xie Fang", title=title)
    case = seed_case(targets=[target])
    assert render_letter(case, target, on=ON).salutation == salutation


def test_date_is_written_out_whatever_the_day() -> None:
    case = seed_case()
    letter = render_letter(case, target_named(case, "Zhang Rui"), on=date(2025, 3, 8))
    assert letter.date_line == "8 March 2025"


def test_letter_body_that_repeats_greeting_and_closing_is_not_doubled() -> None:
    pasted = f"Dear Director Zhang Rui, / Chief Procurator Zhang Jian,\n\n{SAMPLE_BODY}\n\n"
    pasted += "Yours sincerely, \n\n[YOUR NAME]"
    case = seed_case(sample_letter=pasted)
    letter = render_letter(case, target_named(case, "Zhang Rui"), writer_name="Ana", on=ON)
    assert letter.text.count("Dear ") == 1
    assert letter.text.count("Yours sincerely") == 1
    assert letter.body.startswith("I am writing")
    assert len(letter.warnings) == 2


# --- missing data: a plain warning, never an exception --------------------------------------


@pytest.mark.parametrize("sample_letter", [None, "", "  \n\n "])
def test_case_without_sample_letter_still_renders_and_says_so(sample_letter: str | None) -> None:
    case = seed_case(sample_letter=sample_letter)
    letter = render_letter(case, target_named(case, "Zhang Rui"), on=ON)
    assert letter.body == ""
    assert letter.warnings == ["This case has no sample letter yet."]
    assert "Dear Director Zhang Rui,\n\nYours sincerely," in letter.text
    assert "This case has no sample letter yet." in email_draft(case, case.targets[0]).warnings


def test_target_without_address_is_named_in_a_warning() -> None:
    case = seed_case()
    target = target_named(case, "Zhang Rui")
    target.address = None
    letter = render_letter(case, target, on=ON)
    assert letter.warnings == ["Zhang Rui has no postal address on file."]
    assert letter.address_block == (
        "Zhang Rui\nDirector of Guangzhou Public Security Bureau\nGuangzhou Public Security Bureau"
    )


def test_case_without_sign_off_is_still_signed() -> None:
    case = seed_case(sign_off=None)
    letter = render_letter(case, target_named(case, "Zhang Rui"), writer_name="Ana Lee", on=ON)
    assert letter.sign_off == "Yours sincerely,\n\nAna Lee"
    assert len(letter.warnings) == 1


def test_target_without_email_gets_a_warning_and_no_recipient() -> None:
    case = seed_case()
    draft = email_draft(case, target_named(case, "Zhang Rui"))
    assert draft.to is None
    assert draft.warnings == ["Zhang Rui has no email address on file."]
    assert draft.mailto is not None and draft.mailto.startswith("mailto:?")


def test_obfuscated_email_is_not_used_as_an_address() -> None:
    case = seed_case()
    embassy = target_named(case, "Xie Fang")
    embassy.email = "[email protected]"
    draft = email_draft(case, target_named(case, "Zhang Rui"))
    assert draft.cc == []
    assert any("Xie Fang" in warning and "not an email" in warning for warning in draft.warnings)


def test_target_without_handle_gets_a_tweet_without_mention_and_a_warning() -> None:
    case = seed_case()
    draft = tweet_draft(case, target_named(case, "Zhang Rui"))
    assert "@" not in draft.text
    assert "Sophia Huang Xueqin" in draft.text and "Wang Jianbing" in draft.text
    assert draft.warnings == ["Zhang Rui has no social media handle on file."]


def test_target_without_phone_gets_a_plain_note_in_the_call_script() -> None:
    case = seed_case()
    script = call_script(case, target_named(case, "Zhang Rui"))
    assert "There is no phone number on file for Zhang Rui" in script
    assert "Number to dial" not in script


# --- email -----------------------------------------------------------------------------------


def test_email_draft_to_target_with_embassy_copied() -> None:
    case = seed_case()
    target_named(case, "Zhang Rui").email = "gzpsb@example.org"
    target_named(case, "Xie Fang").email = "embassy@example.org"
    draft = email_draft(case, target_named(case, "Zhang Rui"), writer_name="Ana Lee")

    assert draft.to == "gzpsb@example.org"
    assert draft.cc == ["embassy@example.org"]
    assert draft.subject == "Release Sophia Huang Xueqin and Wang Jianbing"
    assert draft.body.startswith("Dear Director Zhang Rui,\n\nI am writing")
    assert draft.body.endswith("ill-treatment.\n\nYours sincerely,\n\nAna Lee")
    assert draft.warnings == []
    assert draft.mailto is not None
    assert draft.mailto.startswith("mailto:gzpsb@example.org?cc=embassy@example.org&subject=")
    # What a mail program decodes is exactly the draft.
    body = draft.mailto.split("&body=", 1)[1]
    assert unquote(body) == draft.body


def test_email_to_the_embassy_does_not_copy_itself() -> None:
    case = seed_case()
    target_named(case, "Xie Fang").email = "embassy@example.org"
    draft = email_draft(case, target_named(case, "Xie Fang"))
    assert draft.to == "embassy@example.org"
    assert draft.cc == []


def test_email_subject_falls_back_on_the_title_without_people() -> None:
    case = seed_case(people_at_risk=[])
    assert email_draft(case, case.targets[0]).subject == "Two activists faced unjust conviction"


def test_mailto_percent_encodes_spaces_newlines_and_unicode() -> None:
    url = mailto_url(
        "a@example.org",
        subject="Release Huang & Wang?",
        body="Dear Director,\n\n黄雪琴 + “quoted”",
    )
    assert url == (
        "mailto:a@example.org?subject=Release%20Huang%20%26%20Wang%3F"
        "&body=Dear%20Director%2C%0A%0A%E9%BB%84%E9%9B%AA%E7%90%B4%20%2B%20"
        "%E2%80%9Cquoted%E2%80%9D"
    )
    assert "+" not in url and " " not in url and "\n" not in url


def test_long_letter_gets_no_mailto_link() -> None:
    case = seed_case(sample_letter="\n\n".join([SAMPLE_BODY] * 2))
    target_named(case, "Zhang Rui").email = "gzpsb@example.org"
    draft = email_draft(case, target_named(case, "Zhang Rui"))
    assert draft.mailto is None
    assert len(mailto_url(draft.to, subject=draft.subject, body=draft.body)) > MAILTO_MAX_LENGTH
    # The seed letter itself still fits.
    assert email_draft(seed_case(), case.targets[0]).mailto is not None


# --- tweet -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "handle", ["GZPSB", "@GZPSB", "@@GZPSB", " @GZPSB ", "https://x.com/GZPSB"]
)
def test_tweet_mentions_the_handle_with_one_at_sign(handle: str) -> None:
    case = seed_case()
    target = target_named(case, "Zhang Rui")
    target.social_handle = handle
    draft = tweet_draft(case, target)
    assert draft.text.startswith("@GZPSB ")
    assert draft.text.count("@") == 1
    assert draft.length == tweet_length(draft.text)
    assert not draft.over_limit
    assert draft.warnings == []


def test_tweet_too_long_for_any_wording_is_flagged() -> None:
    crowd = [{"name": f"Prisoner of conscience number {n}"} for n in range(12)]
    case = seed_case(people_at_risk=crowd)
    draft = tweet_draft(case, case.targets[0])
    assert draft.over_limit
    assert draft.length > draft.limit == 280
    assert any("over the limit" in warning for warning in draft.warnings)


def test_tweet_drops_native_names_before_going_over_the_limit() -> None:
    people = [
        {"name": "Sophia Huang Xueqin", "native_name": "黄雪琴" * 40},
        {"name": "Wang Jianbing", "native_name": "王建兵"},
    ]
    draft = tweet_draft(seed_case(people_at_risk=people), seed_case().targets[0])
    assert not draft.over_limit
    assert "黄" not in draft.text and "Sophia Huang Xueqin" in draft.text


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("Free them now", 13),
        ("https://www.amnesty.org/en/documents/asa17/8612/2024/en/?utm_source=ua", 23),
        ("Read example.org/urgent-action/44-22 now.", 5 + 23 + 5),
        ("See https://amnesty.org.", 4 + 23 + 1),
        ("黄雪琴", 6),
        ("Huang Xueqin (黄雪琴)", 14 + 6 + 1),
        ("👨\u200d👩\u200d👧\u200d👦", 2),  # family: a ZWJ sequence
        ("👍🏽", 2),  # skin tone
        ("🇨🇳", 2),  # flag
        ("e\u0301", 1),  # NFC makes it one é
        ("“quoted” — yes", 14),  # typographic quotes and dashes weigh 1 …
        ("…", 2),  # … but not the ellipsis, which is outside X's ranges
        ("′″‷‰", 3 + 2),  # primes U+2032–U+2037 weigh 1, the per mille sign U+2030 does not
        ("write to first.name@example.org", 31),  # an email address is not a URL
    ],
)
def test_tweet_length_counts_as_x_does(text: str, length: int) -> None:
    assert tweet_length(text) == length


def test_tweet_of_exactly_280_is_within_the_limit_and_281_is_over() -> None:
    assert tweet_length("a" * 280) == 280
    assert tweet_length("黄" * 140) == 280
    target = Target(role=TargetRole.primary, name="Zhang Rui", social_handle="GZPSB")
    # Without people at risk the tweet has a single wording around the title: pad that.
    room = 280 - tweet_length("@GZPSB Please act now on .")
    for title, length, over in (("x" * room, 280, False), ("x" * (room + 1), 281, True)):
        draft = tweet_draft(seed_case(people_at_risk=[], title=title), target)
        assert (draft.length, draft.over_limit) == (length, over)
        assert any("over the limit" in warning for warning in draft.warnings) is over


letters_ascii = st.sampled_from(string.ascii_letters)


@given(text=st.text(), letter=letters_ascii)
def test_appending_a_word_adds_its_letters(text: str, letter: str) -> None:
    assert tweet_length(f"{text} {letter}") == tweet_length(f"{text} ") + 1


@given(text=st.text(alphabet=st.characters(exclude_characters="./:")), letter=letters_ascii)
def test_appending_an_ascii_letter_adds_one(text: str, letter: str) -> None:
    # Without "." or ":" nothing can turn into a URL, whose length would not grow.
    assert tweet_length(text + letter) == tweet_length(text) + 1


# --- call script and file name ---------------------------------------------------------------


def test_call_script_asks_for_the_target_and_names_the_people() -> None:
    case = seed_case()
    target = target_named(case, "Zhang Jian")
    target.phone = "+86 20 8383 0000"
    script = call_script(case, target, writer_name="Ana Lee")
    assert script.startswith("Number to dial: +86 20 8383 0000\n")
    assert "may I please speak to Chief Procurator Zhang Jian?" in script
    assert "My name is Ana Lee." in script
    assert "release" in script and "Sophia Huang Xueqin and Wang Jianbing" in script
    assert "Thank you" in script
    assert "My name is [YOUR NAME]." in call_script(case, target)


def test_letter_filename_is_ascii_and_names_case_update_and_target() -> None:
    case = seed_case()
    assert letter_filename(case, target_named(case, "Zhang Rui")) == "ua-44.22-2-zhang-rui.txt"
    nameless = Target(role=TargetRole.primary, name="张锐")
    assert letter_filename(case, nameless) == "ua-44.22-2-target.txt"
    accented = Target(role=TargetRole.primary, name="José Ramírez / Office")
    assert letter_filename(case, accented) == "ua-44.22-2-jose-ramirez-office.txt"


# --- the seed case file ----------------------------------------------------------------------


def test_seed_case_file_renders_the_same_letters() -> None:
    casefiles = pytest.importorskip("uadash.cases.files")
    paths = sorted(CASES_DIR.glob("*44.22*.yaml"))
    if not paths:
        pytest.skip("no case file for UA 44.22 in data/cases")
    spec = casefiles.read_case_file(paths[0], today=ON)
    targets = [
        Target(position=n, **target.column_values()) for n, target in enumerate(spec.targets)
    ]
    case = Case(**spec.column_values(), targets=targets)
    built = seed_case()
    for name in ("Zhang Rui", "Zhang Jian"):
        from_file = render_letter(case, target_named(case, name), writer_name="Ana", on=ON)
        from_page = render_letter(built, target_named(built, name), writer_name="Ana", on=ON)
        assert from_file.text == from_page.text
        assert from_file.warnings == []
