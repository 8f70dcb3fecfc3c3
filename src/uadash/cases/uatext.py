"""Read an Urgent Action's text into a case draft: `read_ua(text) -> UaDraft`.

Plain Python (no Streamlit, no database). The reader never invents: a field the text does
not give stays empty and a warning says so; an obfuscated email ("[email protected]") is
unknown. Every field it fills records the 1-based line numbers of `UaDraft.text` it came
from, in `UaDraft.sources`.

How it reads (docs/ua-text.md has the formats and the rules per field):

1. `normalise` makes one text of any source: line ends, non-breaking spaces, page numbers and
   repeated PDF page headers dropped, and labels run onto one line ("… Fax: … Salutation: …",
   one-line reposts) broken onto lines of their own. `UaDraft.text` is that text.
2. `_sections` finds the headings of the table `HEADINGS` ("contact information", "PLEASE
   SEND APPEALS BEFORE … TO:", "Write to:", "And copy:", "sample letter", …) and marks each
   line as contacts (primary or cc), letter, or neither.
3. One function per field reads it from the lines: `_ua_number`, `_update`, `_title`,
   `_country`, `_people`, `_deadline`, `_issued`, `_languages`, `_no_further_action`,
   `_outcome`, `_summary`, `_targets`, `_letter`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from typing import Any

from uadash.cases.ua_words import (
    _COUNTRY_RE,
    _DEMONYM_RE,
    _ORDINAL,
    _ORG_ADJECTIVES,
    DATE,
    HONORIFICS,
    LANGUAGES,
    MONTHS,
    ORDINALS,
    ORG_WORDS,
    TITLE_WORDS,
    _country_of,
)
from uadash.vocab import Outcome

__all__ = ["JSON_KEYS", "DraftTarget", "UaDraft", "read_ua"]

JSON_KEYS = (
    "ua_number",
    "update",
    "title",
    "country",
    "people",
    "deadline",
    "no_end_date",
    "no_further_action",
    "outcome",
    "languages",
    "targets",
    "letter",
    "letter_salutations",
    "issued",
    "warnings",
)
TARGET_JSON_KEYS = (
    "name",
    "title",
    "organisation",
    "address",
    "salutation",
    "email",
    "phone",
    "fax",
    "social_handle",
    "role",
)


@dataclass
class DraftTarget:
    """One addressee of the UA: a primary target, or a copy ("cc": copies, embassies)."""

    name: str | None = None
    title: str | None = None
    organisation: str | None = None
    address: str | None = None  # postal lines joined by "\n"
    salutation: str | None = None
    email: str | None = None
    phone: str | None = None
    fax: str | None = None
    social_handle: str | None = None  # "@one @two" as written
    role: str = "primary"  # "primary" | "cc"
    lines: tuple[int, ...] = ()  # the text's lines the block came from

    def to_json(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in TARGET_JSON_KEYS}


@dataclass
class UaDraft:
    """What the text says about a case; empty where it says nothing."""

    ua_number: str | None = None  # "44.22"
    update: int | None = None  # 0 a new UA, 1 first update / further information, … None unknown
    title: str | None = None
    country: str | None = None
    people: list[str] = field(default_factory=list)
    deadline: date | None = None
    deadline_note: str | None = None  # "This action has no end date." and the like, as written
    no_end_date: bool = False
    no_further_action: bool = False
    outcome: Outcome | None = None
    languages: list[str] = field(default_factory=list)  # English names: "English", "Chinese"
    issued: date | None = None
    summary: str | None = None
    targets: list[DraftTarget] = field(default_factory=list)
    letter: str | None = None  # the sample letter's body: no salutation, no sign-off
    letter_salutations: list[str] = field(default_factory=list)
    sign_off: str | None = None
    warnings: list[str] = field(default_factory=list)
    sources: dict[str, tuple[int, ...]] = field(default_factory=dict)
    text: str = ""  # the normalised text the line numbers refer to

    def to_json(self) -> dict[str, Any]:
        """The `uadash parse-ua --json` object: exactly the keys of JSON_KEYS."""
        return {
            "ua_number": self.ua_number,
            "update": self.update,
            "title": self.title,
            "country": self.country,
            "people": list(self.people),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "no_end_date": self.no_end_date,
            "no_further_action": self.no_further_action,
            "outcome": self.outcome.value if self.outcome else None,
            "languages": list(self.languages),
            "targets": [target.to_json() for target in self.targets],
            "letter": self.letter,
            "letter_salutations": list(self.letter_salutations),
            "issued": self.issued.isoformat() if self.issued else None,
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------------------------
# 1. Normalising the text.
# --------------------------------------------------------------------------------------------

_LABELS = (
    r"E-?mail\s*\(via contact form\)|Contact form|Web ?form|E-?mail|Courriel|"
    r"Correo(?: electr[oó]nico)?|Saludo(?:\s*/\s*Salutation)?|Formule d['’]appel|"
    r"Phone|Tel\.?|Telephone|Telefon|Tél\.?|Fax(?:es)?|Telefax|Twitter|Facebook|Instagram|"
    r"Salutation|Anrede|Website|Telegrams|Telexes"
)
_LABEL_LINE = re.compile(
    rf"^\s*(?P<label>{_LABELS})\s*(?:\([^)]*\))?\s*[:：]\s*(?P<value>.*)$", re.I
)
_LABEL_INSIDE = re.compile(rf"(?<!/)(?<!/\s)[\s,;(]+(?=(?:{_LABELS})\s*(?:\([^)]*\))?\s*:)", re.I)
# Phrases that open a new line in a flattened repost (one long line) or a run-on PDF line.
_BREAK_BEFORE_ALWAYS = re.compile(
    r"(?<=\S)\s+(?=Please check with your section office|Also send copies to|"
    r"ALSO SEND COPIES TO|And copies to:|ADDITIONAL RESOURCES\b|additional resources:)"
)
_BREAK_BEFORE_IN_LONG = re.compile(
    r"(?<=\S)(?<!:)(?<!PLEASE)\s+(?=(?:take action|TAKE ACTION|Take action|contact information"
    r"|Contact information|CONTACT INFORMATION|sample letter|Sample letter|SAMPLE LETTER"
    r"|Sample Letter"
    r"|PLEASE SEND APPEALS|Please send appeals|PLEASE TAKE ACTION|This Urgent Action expires"
    r"|This action has no end date|This action ended|Write to:|And copy:|CC:|Cc:"
    r"|Yours sincerely|Sincerely,|Yours faithfully|Respectfully,|Mit freundlichen Grüßen"
    r"|Briefvorschlag|PREFERRED LANGUAGE|APPEAL DEADLINE|Click here to let us know"
    r"|Write a letter in your own words|Share:|URGENT ACTION\s|NAME AND PRONOUNS?:"
    r"|ADDITIONAL INFORMATION|LINK TO PREVIOUS UA|PUBLICATION DATE:|URGENT ACTION TYPE AND"
    r"|INDEX NUMBER:|URGENT ACTION SUMMARY:|URGENT ACTION LETTER:|TARGET[’']S CONTACT"
    r"|BACKGROUND INFORMATION|\[Sections to add|Further information on|Dear\s|[•●◼▪]\s))"
)
# "… 44.22 UA: China Second 44.22" but not "Second UA: 31/20" (the ordinal stays with it)
_BREAK_BEFORE_UA = re.compile(
    r"(?<=\S)(?<!First)(?<!Second)(?<!Third)(?<!Fourth)(?<!Fifth)(?<!Sixth)(?<!PREVIOUS)"
    r"(?<!information on)\s+"
    r"(?=(?:(?:First|Second|Third|Fourth|Fifth|Sixth)\s+)?UA:\s)"
)
# a heading in capitals run into the sentence after it: "… FOR A YEAR Photojournalist Hassan"
_AFTER_CAPITALS = re.compile(r"\b((?:[A-Z][A-Z'’-]*\s+){2,}[A-Z][A-Z'’-]+)\s+(?=[A-Z][a-z])")
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:(?:page|seite)\s*)?\d{1,3}(?:\s*(?:of|/|von)\s*\d{1,3})?\s*$|^\s*-\s*\d{1,3}\s*-\s*$",
    re.I,
)


def normalise(text: str) -> str:
    """One text from any source: what `UaDraft.text` holds and its line numbers count.

    - every source: NFC, "\\r\\n" and form feeds to "\\n", non-breaking and other spaces to
      plain spaces, trailing spaces off;
    - PDF text: page numbers ("2", "Page 2 of 3") and a header line repeated at the top of
      several pages are dropped;
    - one-line contact blocks and flattened reposts: labels ("Fax:", "Email:", "Salutation:")
      and headings ("sample letter", "And copy:", "Yours sincerely") that follow text on the
      same line start a line of their own (headings only in lines over 300 characters).
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n").replace("\ufeff", "")
    text = re.sub(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\t]", " ", text)
    lines = _unmarked([line.rstrip() for line in text.split("\n")])
    counts = Counter(line.strip() for line in lines if line.strip())
    seen: set[str] = set()
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if _PAGE_FURNITURE.match(stripped) and stripped:
            continue
        if counts[stripped] >= 2 and len(stripped) < 120 and _looks_like_header(stripped):
            if stripped in seen:
                continue  # a PDF page header repeated on every page: the first one is kept
            seen.add(stripped)
        if out and _CUT_BEFORE_DATE.search(out[-1]) and re.match(rf"\s*{DATE}", line, re.I):
            out[-1] = f"{out[-1].rstrip()} {stripped}"  # "PLEASE SEND APPEALS BEFORE" / "12 …"
            continue
        out.extend(_split_run_on(line))
    return "\n".join(out).strip("\n")


_QUOTED = re.compile(r"^\s*>[> ]*")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]*\)")


def _unmarked(lines: list[str]) -> list[str]:
    """The UA under an e-mail's quoting and a repost's Markdown: "> " before every line of a
    forwarded UA (mailing lists) is dropped when three or more lines have it; "## Take action",
    "**Please send appeals … to:**" and "[text](url)" (Markdown blogs and wikis) are the words
    alone, as a browser shows them."""
    front = lines and lines[0].strip() == "---" and "---" in (s.strip() for s in lines[1:30])
    if front:
        end = next(k for k in range(1, len(lines)) if lines[k].strip() == "---")
        lines = lines[end + 1 :]  # a blog post's front matter ("layout: post", "title: …")
    if sum(1 for line in lines if _QUOTED.match(line)) >= 3:
        lines = [_QUOTED.sub("", line) for line in lines]
    markdown = sum(1 for line in lines if _MD_HEADING.match(line) or _MD_EMPHASIS.search(line))
    if markdown >= 2 or (markdown and front):
        lines = [
            _MD_LINK.sub(r"\1", _MD_EMPHASIS.sub(r"\2", _MD_HEADING.sub("", line)))
            for line in lines
        ]
        lines = [
            line.replace("**", "")
            for line in lines
            if not re.fullmatch(r"\s*(?:-{3,}|\*{3,})\s*", line)
        ]
    return lines


# A line that stops before its date ("PLEASE SEND APPEALS BEFORE" and the date on the next
# line: AIUK and IS PDF text wrapped at the heading): the date's line is joined to it.
_CUT_BEFORE_DATE = re.compile(r"\b(?:before|by|until|no later than|bis zum|bis)\s*:?\s*$", re.I)


def _looks_like_header(line: str) -> bool:
    return bool(re.search(r"Index:|Amnesty International|\bUA\b|AI\s+Index", line)) and bool(
        re.search(r"\d", line)
    )


def _split_run_on(line: str) -> list[str]:
    if len(line) > 300:
        line = _BREAK_BEFORE_IN_LONG.sub("\n", line)
        line = _BREAK_BEFORE_UA.sub("\n", line)
        line = _AFTER_CAPITALS.sub("\\1\n", line)
        line = _BREAK_AFTER_IN_LONG.sub("\n", line)
    line = _BREAK_BEFORE_ALWAYS.sub("\n", line)
    parts: list[str] = []
    for piece in line.split("\n"):
        columns = re.search(r"\S\s{3,}\S", piece.strip())
        if (
            _LABEL_INSIDE.search(piece)
            and not columns
            and not re.match(r"\s*(Dear|Your|I |We )", piece)
        ):
            pieces = _LABEL_INSIDE.split(piece)
            for p in pieces:
                parts.extend(_split_label_tail(p.rstrip(" ,;")))
        else:
            parts.append(piece)
    result: list[str] = []
    for part in parts:
        result.extend(_split_salutation(part))
    return result


# In a flattened page, the text after a boilerplate sentence or a block's last postal line
# (a country) starts a line: "… trying to help. Crown Prince …", "… Republic of China Zhang Jian".
_BREAK_AFTER_IN_LONG = re.compile(
    r"(?<=the people we are trying to help\.)\s+|(?<=you are focusing on\.)\s+"
    r"|(?<=Republic of China)\s+(?=[A-Z])"
)


def _split_label_tail(piece: str) -> list[str]:
    """ "Twitter: @a @b Embassy of Bahrain …" (flattened): the text after the handles, e-mail
    addresses or phone number is the next line."""
    match = _LABEL_LINE.match(piece)
    if not match:
        return [piece]
    label, value = match["label"].lower(), match["value"]
    handles = r"(?:@[\w.]+[\s,;]*)+"
    emails = r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+[\s,;]*)+|\[email[^\]]*\]\s*"
    number = r"\+?\(?\d[\d\s()./-]{5,}\d\)?"
    patterns = {
        "twitter": handles, "facebook": handles, "instagram": handles,
        "email": emails, "e-mail": emails, "phone": number, "tel": number, "fax": number,
    }  # fmt: skip
    pattern = patterns.get(label)
    head = re.match(pattern, value) if pattern else None
    tail = value[head.end() :].strip() if head else ""
    if head and re.match(r"[A-Z][\w'’-]*\s+\S", tail):
        return [piece[: match.start("value") + head.end()].rstrip(" ,;"), tail]
    return [piece]


_SALUTATION_START = re.compile(
    r"^(?:Dear|Your|His|Her|Excellency|Sehr geehrte[rs]?|Estimad[oa]s?|Señor|Monsieur|Madame|"
    r"Уважаем\w*)\b",
    re.I,
)
_SALUTATION_WORDS = TITLE_WORDS | HONORIFICS | {"dear", "sir", "madam", "sir/madam", "/", "and"}


_OPENING_TITLES = "ambassador|minister|president|director|governor|king|chairman|secretary"
_BILINGUAL = re.compile(r"\s/\s*(?:Dear|Sehr|Estimad|Señor|Monsieur|Madame|Excelent)", re.I)


def _split_salutation(line: str) -> list[str]:
    """ "Salutation: Dear Director Director Li Chunsheng …" (flattened): the rest is a new line."""
    match = _LABEL_LINE.match(line)
    if not match or not match["label"].lower().startswith(("salutation", "anrede", "saludo")):
        return [line]
    value = match["value"]
    if len(value.split()) <= 7 or _BILINGUAL.search(value):
        return [line]  # "Anrede: Dear Mr X / Sehr geehrter Herr X" is one salutation
    # "Dear Director Ambassador Cui Tiankai, Embassy …": the next block's title ends the greeting
    next_title = re.match(rf"((?:Dear|Your)\s+\S+)\s+(?=(?i:{_OPENING_TITLES})\s+[A-Z])", value)
    if next_title:
        head = line[: match.start("value")] + next_title[1]
        return [head, value[next_title.end() :].strip()]
    comma = value.find(",")
    if 0 < comma < 70:
        return [line[: match.start("value") + comma + 1], value[comma + 1 :].strip()]
    words = value.split()
    taken: list[str] = []
    for word in words:
        low = word.lower()
        if taken and (low not in _SALUTATION_WORDS or low == taken[-1].lower()):
            break
        taken.append(word)
    head = line[: match.start("value")] + " ".join(taken)
    return [head, " ".join(words[len(taken) :])]


# --------------------------------------------------------------------------------------------
# 2. Sections: the table of headings.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A line that opens a section. `kind`: contacts | cc | letter | action | end."""

    kind: str
    pattern: re.Pattern[str]
    formats: str  # where it is found, for the reader of this table


def _h(kind: str, pattern: str, formats: str) -> Heading:
    return Heading(kind, re.compile(r"^\s*(?:[-•*#]\s*)?" + pattern, re.I), formats)


HEADINGS: tuple[Heading, ...] = (
    _h(
        "contacts",
        r"contact information\s*(?::\s*|$|(?-i:(?=[A-Z])))",
        "amnestyusa.org 2019-2024; flattened: the first block's title follows on the line",
    ),
    _h("contacts", r"(?:please\s+)?send\s+appeals?\b[^:]*\bto\s*:\s*", "IS 2000-2018, AIUK"),
    _h("contacts", r"(?:please\s+)?send\s+appeals?\s+to\b\s*:?\s*", "IS, AIUK"),
    _h("contacts", r"appeals?\s+to\s*:\s*", "IS 1990s"),
    _h("contacts", r"write\s+to\s*:\s*", "Canada, Ireland, UK"),
    _h("contacts", r"envoyez\s+vos\s+appels\b[^:]*:\s*", "French-language sections"),
    _h(
        "contacts",
        r"target[’']?s contact details(?:\s*&\s*[“\"]?copies to[”\"]?)?\s*",
        "IS 2017 template",
    ),
    _h("contacts", r"contact (?:these|this|the following)\b[^:]*?\bofficials?\b.*?:\s*", "AIUSA"),
    _h(
        "contacts",
        r"(?:contact details|addresses|who to (?:write|contact)|targets?)\s*:?\s*$",
        "Ireland, Switzerland, reposts",
    ),
    _h(
        "contacts",
        r"(?:appelle?\s+an|schreiben sie an|briefe an|adressen?)\s*:?\s*",
        "Germany, Switzerland",
    ),
    _h("cc", r"(?:also\s+)?send\s+copies\s+to\s*:?\s*", "IS, AIUSA"),
    _h("cc", r"(?:and\s+)?cop(?:y|ies)(?:\s+to)?\s*:\s*", "IS 1990s, AIUK, Canada 'And copy:'"),
    _h("cc", r"and\s+copies\s+to\b\s*:?\s*", "AIUK"),
    _h("cc", r"cc\s*:\s*", "amnestyusa.org"),
    _h("cc", r"(?:et\s+)?copies?\s+(?:à|a)\s*:\s*", "French-language sections"),
    _h("cc", r"(?:kopien?\s+an|sende\w* (?:eine\s+)?kopien?\s+an)\s*:?\s*", "Germany"),
    _h("letter", r"take action\s*:\s*write an appeal\b[^a-z]*?model letter\s*", "IS 2019-"),
    _h("letter", r"take action\s*:\s*write an appeal\b.*$", "IS 2019-"),
    _h("letter", r"(?:sample|model|suggested|draft)\s+letter\b\s*:?\s*", "AIUSA, Canada, UK"),
    _h("letter", r"urgent action letter\s*:?\s*", "IS 2017 template"),
    _h(
        "letter",
        r"(?:carta modelo|modelo de carta|lettre[- ]type|lettre modèle|modèle de lettre)"
        r"(?:\s*/\s*(?:sample|model) letter)?\s*:?\s*",
        "Spanish- and French-language sections, bilingual texts",
    ),
    _h("letter", r"(?:briefvorschlag|musterbrief|mustertext)\s*:?\s*", "Germany, Switzerland"),
    _h("action", r"take action\b\s*:?\s*$", "amnestyusa.org"),
    _h("action", r"recommended action\b.*$", "IS 1990s-2000s"),
    _h("action", r"(?:please\s+)?write\s+(?:immediately|a letter)\b.*$", "IS, AIUK"),
    _h("action", r"(?:was (?:sie|du) tun (?:können|kannst)|amnesty fordert)\b.*$", "Germany"),
    _h("end", r"additional (?:resources|information)\b.*$", "amnestyusa.org, IS 2019-"),
    _h("end", r"background(?: information)?\b.*$", "IS"),
    _h("end", r"(?:link to previous ua|preferred languages?|appeal deadline)\b.*$", "2017"),
    _h("end", r"please check with (?:your|the)\b.*$", "IS"),
    _h(
        "end",
        r"(?:please send appeals immediately|hintergrund(?:informationen)?|sachlage)\b.*$",
        "IS 1990s, Germany",
    ),
    _h("end", r"(?:further information:|downloads?\b|name and pronouns?\s*:).*$", "IS"),
    _h(
        "end",
        r"(?:--\s*$|to unsubscribe\b|unsubscribe:|you are receiving this\b).*$",
        "mailing lists",
    ),
)

_SIGN_OFF = re.compile(
    r"^\s*(?:yours sincerely|sincerely|yours faithfully|yours respectfully|respectfully|"
    r"kind regards|best regards|regards|mit freundlichen grüßen|hochachtungsvoll|atentamente|"
    r"cordialement|veuillez agréer|с уважением)\b",
    re.I,
)
_GENERIC_CC = re.compile(
    r"^(?:and\s+)?(?:to\s+)?(diplomatic representatives\b[^.]*?accredited to your country)\.?\s*",
    re.I,
)


def _heading(line: str) -> tuple[Heading, str] | None:
    """The heading a line opens with, and the rest of the line after it."""
    for heading in HEADINGS:
        match = heading.pattern.match(line)
        if match:
            return heading, line[match.end() :].strip()
    return None


@dataclass
class _Sections:
    headings: dict[int, tuple[Heading, str]]
    contact: list[tuple[int, str, str]]  # (line index, text, role)
    letter: list[tuple[int, str]]
    first_heading: int  # the first line of any section: the summary is above it


def _sections(lines: list[str]) -> _Sections:
    """Which line is in which section, from the HEADINGS table.

    Contacts start at a contacts heading (or cc for copies) and run to a letter, action or end
    heading. Pages with no contacts heading (amnestyusa.org 2022-2023, where the blocks follow
    the "take action" list) get the lines between the last take-action instruction and the
    sample letter.
    """
    headings = {i: h for i, line in enumerate(lines) if (h := _heading(line))}
    contact: list[tuple[int, str, str]] = []
    letter: list[tuple[int, str]] = []
    state: str | None = None
    skip: set[int] = set()
    for i, line in enumerate(lines):
        if i in skip:
            continue
        found = headings.get(i)
        if found:
            heading, rest = found
            kind = heading.kind
            if kind in ("contacts", "cc"):
                state = "primary" if kind == "contacts" else "cc"
                if rest:
                    contact.append((i, rest, state))
                generic = _GENERIC_CC.match(rest)
                if generic and not rest[generic.end() :].strip() and not rest.endswith(":"):
                    state = None  # "ALSO SEND COPIES TO DIPLOMATIC REPRESENTATIVES …": no list
                continue
            if kind == "letter":
                state = "letter"
                if rest and _SALUTATION_START.match(rest):
                    letter.append((i, rest))
                else:
                    if rest:  # "… MODEL LETTER Public Prosecutor X Office of …" (flattened)
                        contact.append((i, rest, "primary"))
                    addressee = _addressee_before_salutation(lines, i + 1)
                    contact.extend((k, lines[k], "primary") for k in addressee)
                    skip.update(addressee)
                continue
            state = None
            continue
        if state == "letter":
            if _SIGN_OFF.match(line):
                letter.append((i, line))
                state = "sign_off"
            else:
                letter.append((i, line))
        elif state == "sign_off":
            letter.append((i, line))
        elif state in ("primary", "cc"):
            contact.append((i, line, state))
    if not any(role == "primary" for _, _, role in contact):
        contact = _contacts_without_heading(lines, headings) + contact
        contact.sort()
    if not any(role == "primary" for _, _, role in contact):
        used = {i for i, _, _ in contact} | {i for i, _ in letter} | set(headings)
        contact = sorted(_labelled_blocks(lines, used) + contact)
    if not letter:
        letter = _letter_without_heading(lines, headings)
        if letter:
            start, end = letter[0][0], letter[-1][0]
            contact = [row for row in contact if not start <= row[0] <= end]
    first = min(headings, default=len(lines))
    return _Sections(headings, contact, letter, first)


def _letter_without_heading(
    lines: list[str], headings: dict[int, tuple[Heading, str]]
) -> list[tuple[int, str]]:
    """A sample letter with no heading (a section's Word file, a repost): a greeting standing
    alone ("Dear Minister,", "Уважаемый Генеральный прокурор,"), a paragraph or more, and a
    sign-off ("Yours sincerely,", "С уважением,") within 40 lines. The greeting is no
    "Salutation:" line and comes after the first lines of the text."""
    for i, line in enumerate(lines):
        text = line.strip()
        if i < 3 or i in headings or not _SALUTATION_START.match(text):
            continue
        if not text.endswith((",", ":")) or len(text.split()) > 10 or _LABEL_LINE.match(text):
            continue
        for k in range(i + 2, min(i + 40, len(lines))):
            if k in headings:
                break
            if _SIGN_OFF.match(lines[k].strip()):
                tail = [j for j in range(k + 1, min(k + 3, len(lines))) if j not in headings]
                return [(j, lines[j]) for j in range(i, k + 1)] + [(j, lines[j]) for j in tail]
    return []


def _addressee_before_salutation(lines: list[str], start: int) -> list[int]:
    """IS documents from 2019 on: "TAKE ACTION: WRITE AN APPEAL … MODEL LETTER", then the
    addressee's block, then "Dear …,": the block's lines."""
    for k in range(start, min(start + 10, len(lines))):
        text = lines[k].strip()
        if _SALUTATION_START.match(text) and (len(text) < 120 or 0 < text.find(",") < 80):
            block = [j for j in range(start, k) if lines[j].strip()]
            return list(range(start, k)) if block else []
        if _heading(text):
            return []
    return []


_INSTRUCTION = re.compile(
    r"(?:click here to let us know|write a letter in your own words|let us know the actions)",
    re.I,
)


def _contacts_without_heading(
    lines: list[str], headings: dict[int, tuple[Heading, str]]
) -> list[tuple[int, str, str]]:
    last = max((i for i, line in enumerate(lines) if _INSTRUCTION.search(line)), default=None)
    if last is None:
        return []
    out: list[tuple[int, str, str]] = []
    for i in range(last + 1, len(lines)):
        if i in headings:
            break
        out.append((i, lines[i], "primary"))
    has_contact = any(_LABEL_LINE.match(t) or _starts_with_title(t) for _, t, _ in out)
    return out if has_contact else []


_BLOCK_LABEL = re.compile(r"^\s*(?:salutation|anrede|saludo|formule d['’]appel)\b", re.I)


def _labelled_blocks(lines: list[str], used: set[int]) -> list[tuple[int, str, str]]:
    """Contact blocks under no heading at all (an e-mail's "Write in Russian or your own
    language." then the block; a bilingual or German text whose heading the table does not
    know): the lines around a "Salutation:" line, up to a blank line, a heading or a sentence
    above it, and down to a blank line. Such a block is a primary target."""
    out: list[tuple[int, str, str]] = []
    taken: set[int] = set()
    for k, line in enumerate(lines):
        if k in used or k in taken or not _BLOCK_LABEL.match(line):
            continue
        start = k
        while start > 0 and (start - 1) not in used:
            above = lines[start - 1].strip()
            if not above or len(above) > 100 or re.search(r"[.:;!?]$", above):
                break
            start -= 1
        block = list(range(start, k + 1))
        end = k + 1
        while end < len(lines) and end not in used and lines[end].strip():
            if not _LABEL_LINE.match(lines[end]):
                break
            block.append(end)
            end += 1
        if not any(_starts_with_title(lines[j]) or _LABEL_LINE.match(lines[j]) for j in block[:-1]):
            continue
        taken.update(block)
        out.extend((j, lines[j], "primary") for j in block)
        if end < len(lines) and not lines[end].strip():
            out.append((end, "", "primary"))
    return out


# --------------------------------------------------------------------------------------------
# 3. The fields.
# --------------------------------------------------------------------------------------------

_UA_NUMBER = re.compile(
    r"\b(?:UA|EXTRA|FI|FU|Urgent\s+Action|UA-Nr\.?|(?-i:AU))\s*(?:No\.?|Nr\.?|number)?\s*[:#]?\s*"
    r"(?:(?:[A-Z][a-z]+|[A-Z]{2,})\s+){0,3}?"  # "UA: China Second 44.22"
    r"[-\s]?0*(\d{1,3})\s*[/.\-]\s*(\d{4}|\d{2})(?:\s*-\s*(\d{1,2}))?(?![\d/.]\d)",
    re.I,
)


def _ua_number(lines: list[str], draft: UaDraft) -> None:
    """ "UA 17/08", "EXTRA 19/92", "UA: China Second 44.22", "Fourth Urgent Action 48.22",
    "FI 103/22-4", "UA 44-22", "UA-Nr: UA-060/2023" (Germany): stored as "44.22"."""
    found: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        for match in _UA_NUMBER.finditer(line):
            number, year = match[1], match[2][-2:]
            if match[2] and len(match[2]) == 4 and not match[2].startswith(("19", "20")):
                continue
            found.setdefault(f"{int(number)}.{year}", []).append(i)
    if not found:
        draft.warnings.append("no UA number found (looked for 'UA 44/22', 'UA 44.22', …)")
        return
    best = max(found, key=lambda n: (len(found[n]), -found[n][0]))
    draft.ua_number = best
    draft.sources["ua_number"] = _ones(found[best])
    others = [n for n in found if n != best]
    if others:
        draft.warnings.append(
            f"the text names other UA numbers too: {', '.join(others)} "
            f"(line {found[others[0]][0] + 1}); kept {best}"
        )


_UPDATE_RULES: tuple[tuple[re.Pattern[str], int | None], ...] = (
    # "This is the third update of UA 235/17" (IS, AIUK)
    (re.compile(rf"\bthis is the ({_ORDINAL}) update\b", re.I), None),
    # "FI 103/22-4", "UA 103/22-4" (IS file names and headers)
    (re.compile(r"\b(?:FI|FU|UA)[\s:-]*\d{1,3}[/.](?:\d{4}|\d{2})-(\d{1,2})\b"), None),
    # "UA 60/22 Update 2", "UA 60.22 - update 3" (sections' and reposts' headers)
    (re.compile(r"\b(?:UA|FI)[\s:]*\d{1,3}[/.](?:\d{4}|\d{2})\s*[-–—,:]?\s*update\s*(?:no\.?\s*)?(\d{1,2})\b",
                re.I), None),
    # "Second Urgent Action 44.22", "THIRD UA 60/16", "Fourth update", "second FI"
    (re.compile(rf"\b({_ORDINAL})\s+(?:urgent action|UA|update|FI|further information)\b", re.I),
     None),
    # "UA: China Second 44.22" (amnestyusa.org)
    (re.compile(rf"\bUA\s*:?\s*(?:[A-Z][\w’']+\s+){{0,3}}?({_ORDINAL})\s+\d", re.I), None),
    # "Zweite Folgeaktion" / "2. Folgeaktion" (Germany)
    (re.compile(rf"\b({_ORDINAL}|\d{{1,2}}\.)\s*(?:folge-?aktion|folge-ua|aktualisierung)", re.I),
     None),
    # "Further information on EXTRA 19/92 (AMR 46/09/92, …) and follow-up (AMR 46/21/92, …)"
    # (IS 1990s): each follow-up cited is an earlier update, so this one is one more
    (re.compile(r"\bfurther information on\b.*?\band follow-ups?\b(?P<cited>.*)", re.I), None),
    # "Further information on UA 110/07", "Urgent Action Update", "UA update" (no ordinal)
    (re.compile(r"\bfurther information on\b|^\s*(?:\S+\s+){0,6}?further information\s*:|"
                r"\b(?:urgent action|UA)\s+update\b|\bFU\s+UA\b|\bupdate\s*:|"
                r"\bweitere informationen zu\b|\bfolge-?aktion\b", re.I), 1),
)  # fmt: skip


_INDEX_REF = re.compile(r"\b[A-Z]{3}\s+\d{2}/\d{2,5}/\d{2,4}\b")  # "AMR 46/21/92"


def _update(lines: list[str], draft: UaDraft) -> None:
    """The update number from the words: rules in `_UPDATE_RULES` order, first match wins."""
    for pattern, fixed in _UPDATE_RULES:
        for i, line in enumerate(lines):
            match = pattern.search(line)
            if not match:
                continue
            if "cited" in pattern.groupindex:
                value = 1 + max(1, len(_INDEX_REF.findall(match["cited"])))
            elif fixed is None:
                word = match[1].lower().rstrip(".")
                value = int(word) if word.isdigit() else ORDINALS[word]
                first_ua = re.match(r"(?:first|1st|erste)\s+(?:UA|urgent action)\b", match[0], re.I)
                if first_ua:
                    value = 0  # "First UA: 112/18" (IS 2018-): the original UA, not an update
            else:
                value = fixed
            draft.update = value
            draft.sources["update"] = (i + 1,)
            return
    if draft.no_further_action:
        draft.update = 1  # only an update ends an action ("No further action is requested")
        draft.sources["update"] = draft.sources["no_further_action"]
        draft.warnings.append("update number not stated; taken as 1, an update that ends the UA")
        return
    head = "\n".join(lines[:12])
    if draft.ua_number and re.search(
        r"^\s*(?:urgent action\s*:|URGENT ACTION\b|UA\s+\d|EXTRA\s+\d|ACTION URGENTE\b|"
        r"ACCI[OÓ]N URGENTE\b|"
        r"urgent action type and number:)",
        head,
        re.I | re.M,
    ):
        draft.update = 0
        return
    draft.warnings.append("update number not stated (no 'second', 'further information', …)")


_SKIP_TITLE = re.compile(
    r"^\s*(?:[-•*]\s*)?(?:urgent action|urgent actions|share:?|menu|skip to (?:main )?content|"
    r"(?:urgent action\s*/\s*)?acci[oó]n urgente|action urgente|"
    r"home|donate|search|"
    r"\d{1,3}|external\b.*|public\b.*|ai index:.*|index:.*|distr:.*|amnesty international\b.*|"
    r"document\s*$)\s*$",
    re.I,
)
_DATE_LINE = re.compile(rf"^\s*(?:\w+,\s+)?{DATE}\s*$", re.I)
_NUMBERED_TITLE = re.compile(
    r"^(?:amnesty\b[^()]{0,40}?\s[-–—|]\s+)?"
    r"(?P<title>[^()]{10,200}?\((?:[^():]{2,40}:\s*)?(?:UA|Urgent Action)\s*\d{1,3}[./-]\d{2}\))",
    re.I,
)
# Lines of the site or the reposter above a UA, never its title; for which format each is:
_SITE_LINE = re.compile(
    r"^(?:.*\s\|\s.*"  # "Local News | Community" (news sites: section breadcrumbs)
    r"|home\b.*"  # "Home Urgent Actions 2023 03" (section sites: breadcrumbs)
    r"|.*\burgent actions\b.*"  # "Amnesty Urgent Actions" (a site's name, blog intros)
    r"|(?:posted|published)\b.*\bby\b.*|by\s+[A-Z].*"  # "Posted on May 3, 2023 by …" (blogs)
    r"|.*(?:!|\(copied from [^)]*\))"  # "… please write if you can! (copied from AIUSA)" (blogs)
    r")$",
    re.I,
)
_MAIL_HEADER = re.compile(r"^\s*(?:from|to|sent|date|subject|reply-to|cc)\s*:", re.I)
_FORWARDED = re.compile(
    r"^-*\s*(?:forwarded message|begin forwarded message|original message)\b.*$", re.I
)


def _title(lines: list[str], draft: UaDraft) -> None:
    """The title: "URGENT ACTION TITLE:" (2017 template), else the first line that is not site
    furniture, a date or a bare UA-number header; "Document - " (amnesty.org library) is
    dropped. A long paragraph is not a title: pages that start with one have none."""
    for i, line in enumerate(lines[:40]):
        match = re.match(r"^\s*urgent action title\s*:\s*(.+)$", line, re.I)
        if match:
            draft.title = match[1].strip()
            draft.sources["title"] = (i + 1,)
            return
    # amnestyusa.org's title ends with its number: "Urgent Action: … (China: UA 235.17)"; on a
    # flattened page it is the start of the one line ("Amnesty Urgent Action - " dropped)
    for i, line in enumerate(lines[:15]):
        match = _NUMBERED_TITLE.match(line.strip())
        if match and not _SITE_LINE.match(line.strip()) and not _MAIL_HEADER.match(line):
            draft.title = match["title"].strip()
            draft.sources["title"] = (i + 1,)
            return
    # a repost (mailing list, blog) quotes the UA below its own lines: from "URGENT ACTION" on
    start = next(
        (
            i
            for i, line in enumerate(lines[:40])
            if re.fullmatch(r"\s*urgent action\s*", line, re.I)
        ),
        0,
    )
    chatter = re.compile(
        r"^(?:from|subject|sent)\s*:|forwarded|reposted|dear friends|\bwrote\s*:\s*$", re.I
    )  # "On Mon, 3 Apr 2023 at 10:12, UA Desk <…> wrote:" (a reply quoting the UA)
    if not any(chatter.search(line) for line in lines[:start]):
        start = 0
    forwarded = [
        i for i, line in enumerate(lines[:40]) if _FORWARDED.match(line.strip()) and i >= start
    ]
    if forwarded:
        start = forwarded[-1] + 1  # "-------- Forwarded message --------" (mailing lists)
    for i, line in enumerate(lines[start : start + 15], start):
        text = line.strip()
        if not text or _SKIP_TITLE.match(text) or _DATE_LINE.match(text):
            continue
        if _SITE_LINE.match(text) or re.search(r"\bcookies?\b", text, re.I):
            continue  # the site's lines; a cookie banner (pages saved from a browser)
        if _MAIL_HEADER.match(text):
            continue  # e-mail headers
        text = re.sub(r"^document\s*[-–—]\s*|^\[[^\]]*\]\s*", "", text, flags=re.I)
        if _heading(text) or _LABEL_LINE.match(text):
            return
        # "Further information on EXTRA 19/92 (AMR 41/05/92, 4 February 1992) - Fear of …"
        text = re.sub(r"^further information on\b.*?\)\s*[-–—]\s*", "", text, flags=re.I)
        text = re.sub(
            r"^(?i:urgent action)\s+(?=[A-Z]{2})", "", text
        )  # "URGENT ACTION TITLE IN CAPS"
        # "EXTRA 19/92     Fear of torture", "FI 103/22-4 Iran: …" (a number before the title)
        leading = _UA_NUMBER.match(text)
        if leading and len(text) > leading.end() + 3:
            text = text[leading.end() :].strip(" :-–")
            text = re.sub(
                rf"\s{{2,}}{DATE}\s*$", "", text, flags=re.I
            )  # "… Fear of torture  12 July 1991"
        bare = _UA_NUMBER.sub("", text)
        bare = re.sub(
            rf"\b(?:Index|AI[- ]Index|Date|Datum|Issue Date|UA-Nr)\s*:?\s*|{DATE}"
            r"|\bCountry\s*:\s*.*$",
            " ",
            bare,
            flags=re.I,
        )
        bare = re.sub(r"\b[A-Z]{3}\s+\d{2}/\d{3,5}/\d{4}\b", " ", bare)
        bare = re.sub(rf"\b{_ORDINAL}\b|\bupdate\s*\d{{1,2}}\b", " ", bare, flags=re.I)
        bare = re.sub(
            r"\b(?:weitere informationen zu|further information on)\b", " ", bare, flags=re.I
        )
        if len(bare.split()) < 2 or _is_only_countries(bare):
            continue  # "UA: 92/11 Index: ASA 17/023/2011 China Date: 03 May 2011"
        if len(text) > 200 or re.search(r"[a-z]\.\s+[A-Z]", text):
            break  # a paragraph: the page has no title line
        draft.title = text
        draft.sources["title"] = (i + 1,)
        return
    draft.warnings.append("no title found")


def _is_only_countries(text: str) -> bool:
    rest = _COUNTRY_RE.sub(" ", text)
    return not re.search(r"[A-Za-z]{3,}", rest) or bool(_country_of(text.strip()))


def _country(lines: list[str], draft: UaDraft, targets: list[DraftTarget]) -> None:
    """The country, first rule that finds one:
    "(Saudi Arabia: UA 60.22)" (amnestyusa.org titles); a title that starts "Honduras: …";
    "UA: China Second 44.22"; "Index: ASA 17/023/2011 China Date:" (IS); "MEXICO: names"
    (IS 1990s); "Country:"/"Land:" labels; the country closing the primary targets' postal
    addresses; else the country the text names most (demonyms count: "Chinese")."""
    title = draft.title or ""
    rules = (
        (r"\(\s*([^():]+?)\s*:\s*(?:UA|Urgent Action)\b", None),
        (r"^\s*(?:document\s*[-–]\s*)?([^:]{3,40}?)\s*:", "title"),
        # "Fourth Urgent Action 48.22: … Facing Execution (Iran)" (amnestyusa.org)
        (r"\(\s*([^():]{3,40}?)\s*\)\s*$", "title"),
        (r"\bUA\s*:?\s*((?:[A-Z][\w’']+\s+){1,3}?)(?:" + _ORDINAL + r"\s+)?\d{1,3}[./]\d{2}", None),
        (r"\bIndex\s*:?\s*[A-Z]{3}\s+\d{2}/\d{3,5}/\d{4}\s+(.+?)\s+(?:Date|Issue)", None),
        (r"^\s*([A-Z][A-Z .'’()/-]{2,40})\s*:\s+\S", None),
        (r"^\s*(?:country|land|pays|país)\s*:\s*(.+)$", None),
        # "RUSSIAN FEDERATION  UA 14/23  AI Index: …" (IS 2019- header line)
        (r"^\s*([A-Z][A-Z .'’-]{2,40}?)\s{2,}(?:UA|FI|EXTRA)\s*:?\s*\d", None),
        # amnesty.de: the country alone on a line above the headline ("RUSSISCHE FÖDERATION")
        (r"^\s*([^\W\d][\w .'’-]{2,40}?)\s*$", "top"),
    )
    for pattern, where in rules:
        texts = [(0, title)] if where == "title" else list(enumerate(lines))
        if where == "top":
            texts = texts[:15]
        for i, line in texts:
            for match in re.finditer(pattern, line, re.I if where != "title" else 0):
                # "INDONESIA/EAST TIMOR:" (IS 1990s): the first country named
                parts = match[1].strip().split("/")
                name = next(filter(None, (_country_of(p.strip()) for p in parts)), None)
                if name:
                    draft.country = name
                    if where != "title":
                        draft.sources["country"] = (i + 1,)
                    else:
                        draft.sources["country"] = draft.sources.get("title", ())
                    return
    votes: Counter[str] = Counter()
    voted_lines: dict[str, list[int]] = {}
    for target in targets:
        if target.role != "primary" or not target.address:
            continue
        if re.search(
            r"embassy|embajada|botschaft|ambassade|\bmission\b|\bc/o\b",
            f"{target.organisation or ''} {target.address or ''}",
            re.I,
        ):
            continue  # an embassy's or a UN mission's address ("c/o Permanent Mission …")
        last = target.address.splitlines()[-1]
        for match in _COUNTRY_RE.finditer(last):
            if country := _country_of(match[1]):
                votes[country] += 1
                found_in = [n for n in target.lines if match[1] in lines[n - 1]]
                voted_lines.setdefault(country, []).extend(found_in[-1:])
    if votes:
        draft.country = votes.most_common(1)[0][0]
        draft.sources["country"] = tuple(sorted(set(voted_lines[draft.country])))
        return
    counted: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    for i, line in enumerate(lines[:80]):
        for regex in (_COUNTRY_RE, _DEMONYM_RE):
            for match in regex.finditer(line):
                if country := _country_of(match[1]):
                    counted[country] += 1
                    first_line.setdefault(country, i)
    ranked = [*counted.most_common(2), ("", 0), ("", 0)]
    if ranked[0][1] > ranked[1][1]:
        best = ranked[0][0]
        draft.country = best
        draft.sources["country"] = (first_line[best] + 1,)
        draft.warnings.append(f"country not stated; {best} is the one the text names most")
        return
    draft.warnings.append("no country found")


def _parse_date(text: str) -> date | None:
    text = text.strip().rstrip(".,")
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})$", text)
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]))
    m = re.match(r"(\d{1,2})\.(\d{1,2})\.(\d{4})$", text)
    if m:
        return _date(int(m[3]), int(m[2]), int(m[1]))
    text = re.sub(r"^(\d{1,2})\s+de\s+(\S+)\s+del?\s+", r"\1 \2 ", text)  # "14 de agosto de 2023"
    m = re.match(r"(\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?([^\W\d]+)\.?,?\s+(\d{4})$", text)
    if m and m[2].lower() in MONTHS:
        return _date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    m = re.match(r"([^\W\d]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", text)
    if m and m[1].lower() in MONTHS:
        return _date(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_DEADLINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (formats, re.compile(pattern, re.I))
    for formats, pattern in (
        ("amnestyusa.org 2021-",
         rf"this (?:urgent )?action (?:expires|will expire|ends) on\s+({DATE})"),
        ("amnestyusa.org 2024-", rf"as soon as possible\s*(?:until|by)\s*:?\s*({DATE})"),
        ("IS, AIUK", rf"send appeals?\s+(?:before|by|until|no later than)\s+(?:the\s+)?({DATE})"),
        ("2017 template", rf"appeal deadline(?: notice)?\s*:?\s*({DATE})"),
        ("AIUSA, Canada",
         rf"(?:contact|write|send)\b[^.:]{{0,60}}?\b(?:by|before|until)\s+({DATE})"),
        ("any", rf"\bdeadline\s*(?:is|:)?\s*({DATE})"),
        ("Ireland, reposts",
         rf"\bdeadline (?:for (?:appeals|actions?|letters)|to (?:act|write))\s*(?:is|:)?\s*"
         rf"({DATE})"),
        ("Spanish-language sections",
         rf"\b(?:llamamientos?|cartas?|escrib\w*|env[ií]\w*)\b[^.]{{0,40}}?\bantes del?\s+"
         rf"({DATE})"),
        ("French sections",
         rf"\b(?:appels?|écrivez|ecrivez)\b[^.]{{0,40}}?\bavant le\s+({DATE})"),
        ("Germany", rf"(?:schreiben sie|appelle?)\b[^.]{{0,40}}?\bbis (?:zum\s+)?({DATE})"),
        ("Germany", rf"\bbis (?:zum\s+)?({DATE})"),
        ("IS 1990s", rf"if sending appeals after\s+(?:the\s+)?({DATE})"),
        ("amnestyusa.org", rf"this action ended on\s+({DATE})"),
        ("reposts",
         rf"(?:act|take action|appeals?)\b[^.]{{0,30}}\b(?:before|by|until)\s*:?\s*({DATE})"),
    )
)  # fmt: skip
_NO_END = re.compile(r"no end date|has no deadline|keine frist|ohne frist|no closing date", re.I)


def _deadline(lines: list[str], draft: UaDraft) -> None:
    """The deadline (rules in `_DEADLINE_RULES` order) and "no end date"; both when the text
    says both (the seed does), with a warning."""
    for i, line in enumerate(lines):
        if _NO_END.search(line):
            draft.no_end_date = True
            draft.deadline_note = line.strip()
            draft.sources["no_end_date"] = (i + 1,)
            break
    dates: list[tuple[date, int]] = []
    for _formats, pattern in _DEADLINE_RULES:
        for i, line in enumerate(lines):
            for match in pattern.finditer(line):
                day = _parse_date(match[1])
                if day:
                    dates.append((day, i))
        if dates:
            break
    if dates:
        draft.deadline, line_index = dates[0]
        draft.sources["deadline"] = (line_index + 1,)
        if "ended on" in lines[line_index].lower() and not draft.deadline_note:
            draft.deadline_note = lines[line_index].strip()
        different = sorted({d for d, _ in dates} - {draft.deadline})
        if different:
            draft.warnings.append(
                f"the text gives more than one deadline: {draft.deadline} and "
                f"{', '.join(map(str, different))}; kept the first"
            )
        if draft.no_end_date:
            draft.warnings.append(
                f"the text says both 'no end date' (line {draft.sources['no_end_date'][0]}) and "
                f"a deadline, {draft.deadline} (line {line_index + 1}); both kept"
            )
    elif not draft.no_end_date:
        draft.warnings.append("no deadline and no 'no end date' found")


def _issued(lines: list[str], draft: UaDraft) -> None:
    """The issue date: "Date:", "Issue Date:", "PUBLICATION DATE:" (IS), or a date standing
    alone on a line near the top (amnestyusa.org)."""
    labelled = re.compile(rf"\b(?:issue date|publication date|date|datum)\s*:\s*({DATE})", re.I)
    for i, line in enumerate(lines):
        match = labelled.search(line)
        if match and (day := _parse_date(match[1])):
            draft.issued, draft.sources["issued"] = day, (i + 1,)
            return
    for i, line in enumerate(lines[:12]):
        if _DATE_LINE.match(line) and (day := _parse_date(line.strip().split(", ", 1)[-1])):
            draft.issued, draft.sources["issued"] = day, (i + 1,)
            return
        if _DATE_LINE.match(line) and (day := _parse_date(line)):
            draft.issued, draft.sources["issued"] = day, (i + 1,)
            return
    draft.warnings.append("no issue date found")


_LANGUAGE_TRIGGERS = re.compile(
    r"(?:preferred languages?(?: to address targets?)?\s*:|languages?\s*:|"
    r"\b(?:write|writing|appeals?|letters?|schreiben sie|schreibe|écrivez|escrib[ae]n?)\b"
    r"(?:[^.:]|\d\.){0,70}?\b(?:in|auf|en)\b)\s*(?P<rest>[^.\n]{0,120})",
    re.I,
)


def _languages(lines: list[str], draft: UaDraft) -> None:
    """ "Please write immediately in English, Chinese or your own language" (IS, AIUK),
    "PREFERRED LANGUAGE TO ADDRESS TARGET: Spanish" (2017), "Schreiben Sie in gutem Englisch
    oder auf Deutsch" (Germany): the languages named, in English, without "your own"."""
    for i, line in _joined_paragraphs(lines, list(range(len(lines)))):
        for match in _LANGUAGE_TRIGGERS.finditer(line):
            names: list[str] = []
            for word in re.findall(r"[^\W\d_]+", match["rest"]):
                english = LANGUAGES.get(word.lower())
                # French and Spanish write languages in lower case ("en arabe, en français")
                foreign = english is not None and word.lower() != english.lower()
                if english and english not in names and (word[0].isupper() or foreign):
                    names.append(english)
            if names:
                draft.languages = names
                draft.sources["languages"] = (i + 1,)
                return


_NFA = re.compile(
    r"no further action is (?:required|needed|requested)|require[sd]? no further action|"
    r"no further (?:urgent )?action (?:is )?(?:required|needed)|"
    r"keine weiteren (?:appelle|aktionen)|no further appeals|"
    r"(?:please )?stop sending appeals|no longer (?:need|necessary|needed) to (?:send|write)|"
    r"no (?:more|further) (?:letters|appeals|actions?) (?:are |is )?(?:needed|required|requested)",
    re.I,
)


def _no_further_action(lines: list[str], draft: UaDraft) -> None:
    """ "No further action is required" (IS), "require no further action" (AIUSA)."""
    for i, line in enumerate(lines):
        if _NFA.search(line):
            draft.no_further_action = True
            draft.sources["no_further_action"] = (i + 1,)
            return


# Read in paragraphs (wrapped lines joined), first outcome that matches wins: a release is the
# end state, so "acquitted … and released" is released; an acquittal alone drops the charges.
_OUTCOMES: tuple[tuple[Outcome, re.Pattern[str]], ...] = (
    (Outcome.released, re.compile(
        r"\b(?:(?:has|have|had|was|were)\s+(?:been\s+)?(?:released|freed)|released on bail|"
        r"(?:was|were) set free|after (?:his|her|their) release|"
        r"acquitted\b[^.]{0,80}\band (?:later |then |subsequently )?released|"  # IS, AIUSA
        r"wurden?\b(?:[^.]|\d\.|Nr\.){0,160}\bfreigelassen|ist frei)\b", re.I)),  # amnesty.de
    (Outcome.charges_dropped, re.compile(
        r"\bcharges?\b[^.]{0,60}\b(?:were|was|have been|has been) (?:dropped|withdrawn)|"
        r"\b(?:dropped|dropping|withdrew|withdrawing) (?:all )?(?:the )?(?:\w+ )?charges\b|"
        r"\bcharges dropped\b|"
        r"\b(?:was|were|been|court|judge|instance)\s+(?:\w+\s+){0,2}?acquitted\b|"
        r"\bfreigesprochen\b", re.I)),
    (Outcome.sentence_reduced, re.compile(
        r"\bsentences?\b[^.]{0,60}\b(?:was|were|has been|have been) (?:reduced|commuted)|"
        r"\bcommuted\b", re.I)),
    # an end the vocabulary has no word for: an execution, a death in custody (IS, AIUK)
    (Outcome.other, re.compile(
        r"\b(?:was|were|has been|have been)\s+executed\b|"
        r"\b(?:died|dies)\b[^.]{0,40}\bin (?:custody|detention|prison)\b|"
        r"\bdeath in (?:custody|detention)\b", re.I)),
)  # fmt: skip


def _outcome(lines: list[str], draft: UaDraft) -> None:
    """An outcome only where the action ended ("no further action"): released / charges
    dropped / sentence reduced by the words, else "no_further_action". A new UA's background
    ("he was released in 2019 and rearrested") is not an outcome."""
    if not draft.no_further_action:
        return
    paragraphs = _joined_paragraphs(lines, list(range(len(lines))))
    for outcome, pattern in _OUTCOMES:
        for i, line in paragraphs:
            if pattern.search(line) and not re.search(r"\b(?:should|must) be released", line):
                draft.outcome = outcome
                draft.sources["outcome"] = (i + 1,)
                return
    draft.outcome = Outcome.no_further_action
    draft.sources["outcome"] = draft.sources["no_further_action"]


def _summary(lines: list[str], sections: _Sections, draft: UaDraft) -> None:
    """ "URGENT ACTION SUMMARY:" (2017), else the first paragraph of 100+ characters above the
    first section heading (wrapped PDF lines joined)."""
    for i, line in enumerate(lines):
        if re.match(r"^\s*urgent action summary\s*:", line, re.I):
            paragraph, used = _paragraph(lines, i + 1)
            if paragraph:
                draft.summary, draft.sources["summary"] = paragraph, used
                return
    i = 0
    while i < sections.first_heading:
        paragraph, used = _paragraph(lines, i)
        if len(paragraph) >= 100 and not _DEADLINE_RULES[1][1].search(paragraph):
            draft.summary, draft.sources["summary"] = paragraph, used
            return
        i = (used[-1] if used else i + 1) if used else i + 1
    draft.warnings.append("no summary paragraph found")


def _paragraph(lines: list[str], start: int) -> tuple[str, tuple[int, ...]]:
    """The paragraph from `start`: lines up to a blank line or a heading, joined."""
    while start < len(lines) and not lines[start].strip():
        start += 1
    parts: list[str] = []
    used: list[int] = []
    for i in range(start, len(lines)):
        line = lines[i].strip()
        if not line or (parts and _heading(line)):
            break
        parts.append(line)
        used.append(i + 1)
    return " ".join(parts), tuple(used)


# --- people ---------------------------------------------------------------------------------

_NAME_TOKEN = r"(?:[A-ZÀ-ÖØ-Þ][\w'’]*(?:-[\w'’]+)*|(?:al|el|ad|as|ash|an|at|az)-[A-Z][\w'’]+)"
_PARTICLE = r"(?:bin|bint|ibn|binti|de|del|de la|da|das|dos|do|van|von|der|le|la|y|e|di|al|el)"
_NAME = re.compile(
    rf"(?<![\w@#-]){_NAME_TOKEN}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_TOKEN}){{1,4}}(?![\w-])"
)
_ROLE_BEFORE = re.compile(
    r"(?:activists?|defenders?|journalists?|lawyers?|bloggers?|students?|prisoners? of "
    r"conscience|coordinators?|leaders?|members?|poets?|artists?|writers?|doctors?|teachers?|"
    r"trade unionists?|dissidents?|academics?|researchers?|critics?|clerics?|protesters?|"
    r"rappers?|filmmakers?|photographers?|workers?|farmers?|opposition figures?|politicians?|"
    r"organi[sz]ers?|economists?|scholars?|scientists?|engineers?|publishers?|editors?|"
    r"singers?|musicians?|athletes?|wrestlers?|footballers?|"
    r"priests?|bishops?|pastors?|imams?|monks?|nuns?|"
    r"women|men|woman|man|boy|girl|youths?|human rights defenders?|environmentalists?|"
    r"release(?: of)?|free|concern (?:for|about)|case of|detention of|arrest of|charges against)"
    r"\s*,?\s*(?:\([^)]*\)\s*)?$",
    re.I,
)
_VERB_AFTER = re.compile(
    r"^(?:’s|'s)?\s*(?:,\s*(?:who|aged|\d{1,3},|a\b|an\b|the\b|one\b)|\(\s*(?:known|aka|also)|"
    r"\s+(?:a été|est|sont|ont été|reste|risque|fue|fueron|está|están|ha sido|permanece|"  # fr, es
    r"recibió|ha recibido|se encuentra|"
    r"was|were|is|are|has|have|had|remains?|reportedly|faces?|stood|began|reinstated|"
    r"went|risks?|could|will|may|must|should|continues?|been|sitzt|wurde|wird|ist|befindet|"
    r"droht|muss)\b)",
    re.I,
)
_RELATIVE_BEFORE = re.compile(
    r"(?:(?:his|her|their|whose)\s+(?:wife|husband|mother|father|daughter|son|brother|sister|"
    r"cousin|uncle|aunt|nephew|niece|partner|fianc[ée]e?|lawyer|attorney)|lawyers? for|"
    r"known as|alias|also called)\s*,?\s*$",
    re.I,
)
_NOT_IN_NAMES = {
    w.lower()
    for w in """
        Amnesty International Urgent Action UA The He She They His Her Their On In At By For
        From Please Dear Yours Court Police Ministry Prison Human Rights Council Republic State
        Supreme Appeals Appeal Criminal Security Public Bureau Office Embassy Military National
        People Government Federal Special Tribunal Procuratorate Department Province City
        District Region Party Army Forces Islamic Revolutionary Crown Prince Prime President
        Minister Director King Chief Procurator Ambassador Sheikh Shaikh Majesty Highness
        Excellency Royal University Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr
        Mrs Ms Dr Movement Organization Organisation Centre Center Committee Commission Union
        Association Network Front Prosecutor General Attorney Governor Judge Justice High Inter-
        American United Nations UN Also Many Write Click Take Share Sample Letter Subject Re I
        We You It This That These After Before Since Despite While During Following Amid Thank
        Background Information Index Date Document Facebook Twitter Instagram Email Tel Fax
        Salutation Street Road Avenue Box Kingdom Jail Conviction Prisoners Prisoner Conscience
        Activist Activists Defender Defenders Arrested Tortured Faces Execution Release Released
        Further Update Islamic Revolution Sharia Organizations Organisations Indigenous Civic
        Popular Community Communities Environment Still Without Detained Charge Charges Trial
        Threatened Jailed Imprisoned Sentenced Free Freed Held Missing Disappeared Death Risk
        Danger Good News Dropped Against Student Students Sie Schreiben Bitte
        """.split()  # noqa: SIM905
} | set(MONTHS)


def _people(lines: list[str], sections: _Sections, draft: UaDraft) -> None:
    """The people at risk: names (2-5 capitalised words, "al-", "bin", "de" allowed) in the
    title, summary and letter that stand after a role ("activist", "prisoner of conscience",
    "release") or before a verb ("was sentenced", ", who"), or that the text names twice.
    Relatives ("his wife X"), officials (the targets) and aliases ("known as X") are left out;
    a shorter or misspelt form of a name already found ("Huang Xueqin") is the same person."""
    letter_lines = {i for i, _ in sections.letter}
    contact_lines = {i for i, _, _ in sections.contact}  # the targets' blocks: no one at risk
    body_end = min(
        [i for i, (h, _) in sections.headings.items() if h.kind in ("contacts", "cc", "end")]
        + [len(lines)]
    )
    wanted = [
        i
        for i, line in enumerate(lines)
        if (i < body_end or i in letter_lines)
        and i not in contact_lines
        and not _LABEL_LINE.match(line)
    ]
    scan = _joined_paragraphs(lines, wanted)
    target_names = [t.name for t in draft.targets if t.name]
    stats: dict[str, dict[str, Any]] = {}
    for i, line in scan:
        for match in _NAME.finditer(line):
            name = _clean_name(match[0])
            if not name:
                continue
            led_by_role = bool(_ROLE_WORD.fullmatch(match[0].split()[0])) and (
                i + 1 not in draft.sources.get("title", ())
            )  # "Der Journalist Iwan Petrow Sokolow sitzt …"
            # only the words near the name count (and keep long paragraphs linear)
            before = line[max(0, match.start() - 200) : match.start()]
            after = line[match.end() : match.end() + 60]
            entry = stats.setdefault(name, {"count": 0, "role": False, "bad": False, "lines": []})
            entry["count"] += 1
            entry["lines"].append(i + 1)
            if _RELATIVE_BEFORE.search(before[-40:]) or _title_before(before):
                entry["bad"] = True
            if _ROLE_BEFORE.search(before[-60:]) or _VERB_AFTER.match(after):
                entry["role"] = True
            if _in_list_after_role(before) or led_by_role:
                entry["role"] = True
    clusters: list[tuple[str, dict[str, Any]]] = []  # one per person, the longest name kept
    for name, entry in stats.items():
        for k, (other, merged) in enumerate(clusters):
            if entry["bad"] != merged["bad"] and (entry["role"] or merged["role"]):
                continue  # "economist Ilham Tohti" and "his niece, Jewher Ilham": two people
            if _same_person(name, other):
                merged["count"] += entry["count"]
                merged["role"] |= entry["role"]
                merged["bad"] |= entry["bad"]
                merged["lines"] += entry["lines"]
                if len(name.split()) > len(other.split()):
                    clusters[k] = (name, merged)
                break
        else:
            clusters.append((name, dict(entry, lines=list(entry["lines"]))))
    chosen = [
        (name, entry)
        for name, entry in clusters
        if not entry["bad"]
        and not any(_same_person(name, t) for t in target_names)
        and (entry["role"] or entry["count"] >= 2)
    ]
    claimed: set[int] = set()  # each listed person stands for one name found, at most
    for name, line_no in _listed_people(lines):
        same = [k for k, (other, _) in enumerate(chosen) if _same_person(name, other)]
        free = [k for k in same if k not in claimed]
        if free:
            claimed.add(free[0])
        else:
            # "Krishna Prasad Dhakal (m)" / "Sita Dhakal (f), his wife" (IS header lines): one
            # family name, two people
            claimed.add(len(chosen))
            chosen.append((name, {"lines": [line_no]}))
    draft.people = [name for name, _ in chosen]
    if chosen:
        draft.sources["people"] = _ones(sorted({n - 1 for _, e in chosen for n in e["lines"]}))
    else:
        draft.warnings.append("no people at risk found")


_LISTED = re.compile(
    r"^\s*(?:name(?: and pronouns?)?|names?|person(?:s)? at risk)\s*:\s*(?P<names>.+)$", re.I
)


def _listed_people(lines: list[str]) -> list[tuple[str, int]]:
    """Names a text lists as such: "NAME AND PRONOUN: Ahmadreza Djalali (he/him)" (IS 2019-),
    and the IS 1990s-2000s header block "MEXICO:   Tomás Herrera Lozano, aged 34, peasant
    leader" with one person per indented line after it."""
    out: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        match = _LISTED.match(line)
        if match:
            for part in re.split(r";|\band\b", match["names"]):
                name = re.sub(r"\s*\(.*", "", part.split(",")[0]).strip()
                if _name_like(name):
                    out.append((name, i + 1))
            continue
        match = re.match(r"^([A-Z][A-Z .'’()-]{2,40}?)(?::\s+|\s{3,})(?P<first>\S.*)$", line)
        if not match or not _country_of(match[1].strip()):
            continue
        if match["first"].isupper():
            continue  # "MYANMAR: JOURNALISTS SENTENCED TO PRISON": a headline, not a name
        if _UA_NUMBER.match(match["first"]) or re.search(r"\bIndex\b", match["first"]):
            continue  # "NIGERIA   UA 8/23   AI Index: …" (IS 2019- header): no names
        entries = [(match["first"], i)]
        for k in range(i + 1, min(i + 12, len(lines))):
            if not lines[k].startswith("  ") or not lines[k].strip():
                break
            entries.append((lines[k].strip(), k))
        for text, k in entries:
            name = re.sub(r"\s*\((?:m|f)\)|\s*\(.*?\)", "", re.split(r",|\s[-–]\s", text)[0])
            name = name.strip()
            if _name_like(name) or (len(name.split()) >= 2 and not ORG_WORDS.search(name)):
                out.append((name, k + 1))
    return out


def _joined_paragraphs(lines: list[str], wanted: list[int]) -> list[tuple[int, str]]:
    """Wrapped lines (PDF text) joined into paragraphs, so a name split over two lines is
    one name; each paragraph with the index of its first line."""
    out: list[tuple[int, str]] = []
    previous = -2
    for i in wanted:
        text = lines[i].strip()
        name_list = previous >= 0 and _name_like(lines[previous].strip()) and _name_like(text)
        # a headline in capitals above the first paragraph (IS 2013-): "ALABAMA PRISONER
        # EXECUTED" / "Michael Dale Harper was …" are two, or the name runs into the headline
        shouted = previous >= 0 and _shouted(lines[previous]) and not _shouted(text)
        if (
            text
            and out
            and previous == i - 1
            and lines[previous].strip()
            and not name_list
            and not shouted
        ):
            out[-1] = (out[-1][0], out[-1][1] + " " + text)  # a wrapped line, not one name a line
        elif text:
            out.append((i, text))
        previous = i
    return out


def _shouted(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 8 and all(c.isupper() for c in letters)


# Capitalised role nouns that stand before a name ("Die Umweltschützerin Lucía Hernández").
_ROLE_WORD = re.compile(
    r"(?:Die|Der|Das|Den|Dem|Des|Ein|Eine|Einen|Herr|Frau|Herrn|"
    r"\w*(?i:aktivist|journalist|verteidiger|schützer|anwalt|anwält|student|blogger|"
    r"gewerkschafter|künstler|lehrer|ärzt|arzt)(?:in|innen|en)?|Activist|Journalist|Lawyer|"
    r"Blogger|Student|Defender|Poet|Artist|Writer|Doctor|Teacher|Rapper|Musician|Singer|"
    r"Researcher|Academic|Photographer|Filmmaker|Environmentalist|Unionist|Dissident|"
    r"Cartoonist|Comedian|Farmer|Worker|Priest|Pastor|Imam|Leader|Activists|Journalists|"
    r"Bishop|Gefangene[rn]?|Häftling|Sein|Seine|Ihr|Ihre)",
)


def _clean_name(text: str) -> str | None:
    text = re.sub(r"(?:’s|'s)$", "", text.strip())
    words = text.split()
    while words and (
        words[0].lower() in _NOT_IN_NAMES or _country_of(words[0]) or _ROLE_WORD.fullmatch(words[0])
    ):
        words.pop(0)
    while words and (words[-1].lower() in _NOT_IN_NAMES or _country_of(words[-1])):
        words.pop()
    capitalised = [w for w in words if w[0].isupper() or "-" in w]
    if len(capitalised) < 2 or any(w.lower() in _NOT_IN_NAMES for w in words):
        return None
    if any(w.isupper() and len(w) > 1 for w in words):
        return None  # acronyms, shouted headings
    if _country_of(" ".join(words)) or any(_country_of(w) for w in words):
        return None
    return " ".join(words)


def _title_before(before: str) -> bool:
    last = before.rstrip().split()[-1:] if before.strip() else []
    return bool(last) and last[0].lower().strip(",") in TITLE_WORDS


def _in_list_after_role(before: str) -> bool:
    """ "coordinators Berta Zuniga Cáceres, Sotero Chavarría Fúnez and José …": later names of a
    list that follows a role word."""
    match = re.search(r"(?:,\s*|\s+and\s+)$", before)
    if not match:
        return False
    head = before[: match.start()]
    head = _NAME.sub("NAME", head)
    return bool(re.search(r"(?:NAME(?:,\s*|\s+and\s+))*NAME$", head)) and bool(
        _ROLE_BEFORE.search(re.sub(r"(?:NAME(?:,\s*|\s+and\s+))*NAME$", "", head)[-60:])
    )


def _tokens(text: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return set(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _same_person(a: str, b: str) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    if not (ta and tb) or len(ta & tb) / min(len(ta), len(tb)) < 0.5:
        return False
    wa, wb = _tokens_in_order(a), _tokens_in_order(b)
    shared = ta & tb
    if len(shared) == 1 and len(wa) > 1 and len(wb) > 1:
        (word,) = shared
        if word not in (wa[-1], wb[-1]) and word in (wa[0], wb[0]):
            # only a first word is shared: a common given name ("Mohamed Adel", "Counsellor
            # Mohamed Shawky") or a family name ("Zhang Rui", "Zhang Jian") is two people,
            # unless the rest is a misspelling of one name ("Wang Jiangbing", "Wang Jianbing")
            rest_a = " ".join(wa[wa.index(word) + 1 :])
            rest_b = " ".join(wb[wb.index(word) + 1 :])
            return SequenceMatcher(None, rest_a, rest_b).ratio() >= 0.8
    return True


def _tokens_in_order(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).split()


# --- targets --------------------------------------------------------------------------------


def _is_title_word(word: str) -> bool:
    """ "Minister", and hyphenated forms: "Co-Minister", "Commissioner-General" (IS)."""
    low = word.lower().strip(",")
    return low in TITLE_WORDS or (
        "-" in low and any(part in TITLE_WORDS for part in low.split("-") if part != "general")
    )


def _starts_with_title(line: str) -> bool:
    words = re.sub(r"^[\d.)\-•*\s]+", "", line).split()
    return bool(words) and (_is_title_word(words[0]) or words[0].lower().strip(",") in HONORIFICS)


def _is_address(line: str) -> bool:
    return bool(
        re.search(r"\d", line)
        or re.search(r"\b(?:P\.?\s?O\.?\s*Box|Box|Road|Street|St\.|Avenue|Ave\.?|Lu|Jie|Dadao|"
                     r"Calle|Avenida|Strasse|Straße|Platz|Blvd|Boulevard|Place|Sq\.?)\b", line)
        or _ends_with_country(line)
    )  # fmt: skip


def _ends_with_country(line: str) -> bool:
    tail = re.split(r"[,–-]\s*", line.strip().rstrip("."))[-1]
    return bool(_country_of(tail.strip())) or bool(
        re.search(r"(?:Republic of|Kingdom of)\s+\w+", tail)
    )


class _Block:
    def __init__(self, role: str) -> None:
        self.target = DraftTarget(role=role)
        self.address: list[str] = []
        self.lines: list[int] = []
        self.closed = False  # a salutation ends a block
        self.contacts = False  # a label line (email, phone, …) was read
        self.generic = False

    @property
    def empty(self) -> bool:
        t = self.target
        return not (t.name or t.title or t.organisation or self.address)


def _targets(sections: _Sections, draft: UaDraft) -> None:
    """The targets from the contact lines: blocks of name / title / organisation / postal
    lines, then labelled lines ("Email:", "Fax:", "Twitter:", "Salutation:"). A block ends at
    a salutation, at a name or title after postal or labelled lines, or at two blank lines
    (one blank line where the blocks are not spaced line by line). One-line blocks
    (amnestyusa.org 2022, reposts) are split at the organisation and the first digits.
    Copies (role "cc") follow a cc heading; "diplomatic representatives accredited to your
    country" with no address is itself a cc target."""
    contact = _split_columns(sections.contact)
    spaced = _spaced(contact)
    blocks: list[_Block] = []
    block: _Block | None = None
    blanks = 0
    previous_role = None
    for i, text, role in contact:
        line = text.strip()
        if not line:
            blanks += 1
            continue
        boundary = blanks >= (2 if spaced else 1)
        blanks = 0
        if role != previous_role:
            block = None
        previous_role = role
        line = re.sub(r"^(?:\d{1,2}[.)]|[a-z]\)|[-•*])\s+", "", line)
        if not re.search(r"[^\W\d_]", line):
            continue  # a page number, a rule
        if _PAGE_HEADER.match(line):
            continue  # "URGENT ACTION" / "Index: AMR 41/012/2014 Date: …": a PDF page's top
        generic = _GENERIC_CC.match(line)
        if generic:
            if role == "cc" or re.search(r"cop(?:y|ies)", line, re.I):
                rest = line[generic.end() :].strip()
                block = _Block("cc")
                block.generic = True
                block.target.name = generic[1]
                block.lines.append(i + 1)
                blocks.append(block)
                if not re.search(r"[^\W\d_]", rest):
                    continue
                block = _Block("cc")
                blocks.append(block)
                line = rest
            else:
                continue
        label = _LABEL_LINE.match(line)
        if label:
            if block is None:
                block = _Block(role)
                blocks.append(block)
            _label(block, label["label"], label["value"].strip(), i, draft)
            continue
        if re.match(
            r"^(?:\*?note\b|\*|we suggest|since there are|please\b|\[.*\]$|name\s+address\b"
            r"|deadline\b)",
            line,
            re.I,
        ):
            continue
        if _UA_NUMBER.search(line) or re.search(r"\s\|\s|^share\b", line, re.I):
            continue  # "This is UA 91/22.", "Share on Facebook | Share on X": the page's, no one's
        if (
            block is None
            or block.closed
            or block.generic
            or (boundary and not block.empty)
            or (not block.empty and _starts_new_block(block, line))
        ):
            block = _Block(role)
            blocks.append(block)
        _block_line(block, line, i)
    embassy_listed = any(b.target.role == "cc" and not b.generic and _diplomatic(b) for b in blocks)
    for block in blocks:
        if block.generic and embassy_listed:
            # "… diplomatic representatives … HIS EXCELLENCY MR LIU, Embassy …" (AIUK), "CC:
            # Ambassador X, Embassy …" (AIUSA): the embassy listed is that representative;
            # beside other copies (a minister, an NGO) the line is a copy of its own
            continue
        if block.empty and not block.target.name:
            continue
        if re.match(
            r"amnesty international\b", block.target.name or block.target.organisation or "", re.I
        ):
            continue  # the section's own address at the page's foot (Canada)
        target = block.target
        if target.name:
            target.name = _without_honorifics(target.name)
        if not target.name and target.organisation:
            # "Copies to: Embassy of the Republic of Cuba", "Director / Shenyang No.1 Detention
            # Centre": the office is whom the letter goes to
            target.name = target.organisation
        target.address = "\n".join(block.address) or None
        target.lines = tuple(block.lines)
        draft.targets.append(target)
    if not any(t.role == "primary" for t in draft.targets):
        draft.warnings.append("no targets found")
    for n, target in enumerate(draft.targets, 1):
        if not target.name and target.role == "primary":
            draft.warnings.append(f"target {n} ({target.organisation or target.title}): no name")


def _diplomatic(block: _Block) -> bool:
    """An embassy's block: the diplomatic representative that a generic copy line names."""
    t = block.target
    who = " ".join(filter(None, [t.name, t.title, t.organisation]))
    return bool(re.search(r"embass|ambassad|embajad|botschaf|chargé|charge d|consul", who, re.I))


_PAGE_HEADER = re.compile(r"^(?:urgent action|(?:ai\s+)?index\s*:.*\d.*)$", re.I)
_NAME_HONORIFICS = {
    "s.", "e.", "s.e.", "h.e.", "his", "her", "excellency", "majesty", "highness", "royal",
    "herrn", "herr", "frau", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "madame", "monsieur",
    "señor", "señora", "sr.", "sra.",
}  # fmt: skip


def _without_honorifics(name: str) -> str:
    """ "S. E. Herrn Francisco José Quiroga", "HIS EXCELLENCY MR LIU XIAOMING": the name."""
    words = name.split()
    stripped = False
    while len(words) > 2 and words[0].lower().strip(",") in _NAME_HONORIFICS:
        words.pop(0)
        stripped = True
    if stripped and len(words) > 3 and words[0].lower() in TITLE_WORDS:
        words.pop(0)  # "His Majesty King Salman bin Abdul Aziz Al Saud"
    return " ".join(words)


def _spaced(contact: list[tuple[int, str, str]]) -> bool:
    """Blocks spaced line by line (amnestyusa.org 2023-2024): a blank after most lines."""
    texts = [t.strip() for _, t, _ in contact]
    filled = [k for k, t in enumerate(texts) if t]
    if len(filled) < 3:
        return False
    followed = sum(1 for k in filled if k + 1 < len(texts) and not texts[k + 1])
    return followed >= 0.6 * len(filled)


def _split_columns(contact: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """PDF text with two contact columns side by side ("President X      Minister Y"): the
    left column's lines, then the right column's, for each run of such lines."""
    out: list[tuple[int, str, str]] = []
    run: list[tuple[int, str, str]] = []

    def flush() -> None:
        if len(run) >= 2:
            left = [(i, re.split(r"\s{3,}", t.strip(), maxsplit=1)[0], r) for i, t, r in run]
            right = [
                (i, parts[1], r)
                for i, t, r in run
                if len(parts := re.split(r"\s{3,}", t.strip(), maxsplit=1)) == 2
            ]
            out.extend(left)
            out.append((run[-1][0], "", run[-1][2]))
            out.append((run[-1][0], "", run[-1][2]))
            out.extend(right)
        else:
            out.extend(run)
        run.clear()

    for item in contact:
        if re.search(r"\S\s{3,}\S", item[1].strip()):
            run.append(item)
        else:
            flush()
            out.append(item)
    flush()
    return out


def _starts_new_block(block: _Block, line: str) -> bool:
    if block.contacts:
        return True
    if block.address and _ends_with_country(block.address[-1]):
        return True
    first = line.split()[0].lower().strip(",") if line.split() else ""
    return bool(
        block.address
        and first in TITLE_WORDS
        and not _is_address(line)
        and not ORG_WORDS.search(line)
    )


def _block_line(block: _Block, line: str, i: int) -> None:
    """One unlabelled line of a block, in this order: a long line is a whole one-line block;
    after the first postal line, postal lines; a line opening with a title word is the title
    (and the name, "Ambassador Xie Fang", "Head of the Judiciary, Name"); a line with an
    organisation word is the organisation; a postal-looking line the address; else the name,
    then the organisation, then the address."""
    t = block.target
    block.lines.append(i + 1)
    head, _, tail = line.partition(", ")
    if (
        not t.name
        and not t.title
        and tail
        and _opens_with_honorific(head)
        and _starts_with_title(tail)
        and not re.search(r"\d", line)
    ):
        # "H.E. Evangelina Bernas, Ambassador of the Republic of the Philippines" (Ireland, UK):
        # the person, then the office
        t.name, t.title = head, tail
        return
    if len(line.split()) > 9 and not block.address and not t.name:
        _one_line_block(block, line)
        return
    if block.address or (t.organisation and (t.name or t.title)):
        block.address.append(line)
        return
    has_digits = bool(re.search(r"\d", line))
    honorific = _opens_with_honorific(line)
    if t.name and not t.title and not has_digits and honorific and _titled(t.name):
        # "Leader of the Islamic Republic" / "His Excellency Ayatollah …" (IS), "İstanbul
        # Chief Public Prosecutor" / "Mr Ferzan Çitici", "OBERSTE JUSTIZAUTORITÄT" /
        # "Gholamhossein …" (amnesty.de): the office above, the person below
        t.title, t.name = t.name, line
        return
    if (
        not t.name
        and not t.title
        and t.organisation
        and not has_digits
        and honorific
        and _starts_with_title(t.organisation)
    ):
        # "Fiscal General y Jefa del Ministerio Público" / "Sra. María …": an office long
        # enough to name its ministry, above the person
        t.title, t.organisation, t.name = t.organisation, None, line
        return
    if t.name and t.name.isupper() and not t.title and _name_like(line) and not line.isupper():
        t.title, t.name = t.name, line
        return
    if (
        _starts_with_title(line)
        and t.title
        and t.name
        and not t.organisation
        and not has_digits
        and line.split()[0].lower()
        != t.title.split()[0].lower()  # "Presidente" / "Presidente de …"
    ):
        t.title = line  # "Co-President Rosario Murillo" / "Vice President of …": the office
        return
    if _starts_with_title(line) and not t.title and not has_digits:
        head, _, tail = line.partition(", ")
        if not t.name and tail and _name_like(tail):
            t.title, t.name = head, tail  # "Head of the Judiciary, Gholamhossein Mohseni Ejei"
            return
        title, name = _split_title(line)
        if name and not t.name and not ORG_WORDS.search(name):
            t.title, t.name = title, name
            return
        office = re.match(r"^(?:\S+,|(\S+(?:\s+\S+){0,2}?)\s+(?:of|for|de|del)\b)", line, re.I)
        if not ORG_WORDS.search(line) or (office and not ORG_WORDS.search(office[1] or "")):
            # "Minister of Interior", "Inspector General of Police": an office, its title
            t.title = line
            return
        if tail and ORG_WORDS.search(tail) and not ORG_WORDS.search(head) and not t.organisation:
            t.title, t.organisation = head, tail  # "Chargé d'affaires, Embassy of …" (Canada)
            return
    if ORG_WORDS.search(line) and not t.organisation and not has_digits:
        t.organisation = line
        return
    if _is_address(line) and (t.name or t.organisation):
        block.address.append(line)
        return
    if not t.name and not (block.contacts or _is_address(line)):
        t.name = line
        return
    if not t.organisation:
        t.organisation = line
        return
    block.address.append(line)


def _opens_with_honorific(line: str) -> bool:
    first = line.split()[0].lower() if line.split() else ""
    return (first in HONORIFICS or first in _NAME_HONORIFICS) and len(line.split()) >= 2


def _titled(text: str) -> bool:
    """An office rather than a person: a title word, "… of …", or all in capitals."""
    words = text.replace(",", " ").split()
    return (
        any(_is_title_word(w) for w in words)
        or bool(re.search(r"\s(?:of|for|der|de)\s", text))
        or text.isupper()
    )


def _name_like(text: str) -> bool:
    words = text.split()
    return (
        2 <= len(words) <= 5
        and all(w[0].isupper() for w in words)
        and not ORG_WORDS.search(text)
        and not re.search(r"\d", text)
        and not _country_of(text)
    )


def _title_then_name(who: str, organisation: str) -> tuple[str | None, str | None]:
    """ "Minister of Public Security To Lam, Ministry of Public Security": the name is the
    capitalised words at the end that the organisation does not share."""
    org_words = {w.lower() for w in re.findall(r"[\w'’-]+", organisation)}
    words = who.split()
    k = len(words)
    # the word after "of (the)" is the office's ("Head of the Judiciary X"), never the name's
    of = [n for n, w in enumerate(words[:-1]) if w.lower() in ("of", "for")]
    floor = 1
    if of:
        floor = of[0] + 2 + (words[of[0] + 1].lower() == "the")
    while (
        k > floor
        and (words[k - 1][0].isupper() or words[k - 1] in ("bin", "al", "de", "ibn"))
        and words[k - 1].lower() not in org_words
        and words[k - 1].lower() not in TITLE_WORDS
    ):
        k -= 1
    if 1 <= len(words) - k <= 6 and k >= 1:
        return " ".join(words[:k]), " ".join(words[k:])
    return who, None


_GIVEN_NAME_TITLES = {"amir", "emir", "sultan"}


def _split_title(line: str) -> tuple[str | None, str | None]:
    """ "Ambassador Xie Fang" -> ("Ambassador", "Xie Fang"); "His Majesty King Salman …" ->
    ("King", "Salman …"); "Minister of Security" -> (line, None)."""
    words = line.split()
    k = 0
    title_words: list[str] = []
    while k < len(words) and (
        _is_title_word(words[k]) or words[k].lower().strip(",") in HONORIFICS
    ):
        if title_words and words[k].lower() in _GIVEN_NAME_TITLES and k + 1 < len(words):
            break  # "Ambassador Amir Saeid Iravani": after an office, Amir is a given name
        if _is_title_word(words[k]):
            title_words.append(words[k].strip(","))
        k += 1
    rest = words[k:]
    if not rest or rest[0].lower() in ("of", "for", "de", "del", "and", "to", "&", "at"):
        return line, None
    if any(w.lower().strip(",") in TITLE_WORDS - _GIVEN_NAME_TITLES for w in rest):
        return line, None  # "Crown Prince and Prime Minister": all of it is the title
    named = [w for w in rest if w[0].isupper() or re.match(r"(?:al|el|ad|as|an)-[A-Z]", w)]
    if len(named) < 2 and not (len(rest) == 1 and k):
        return line, None
    name = " ".join(rest).strip(" ,")
    if _country_of(name):
        return line, None
    return (" ".join(title_words) or None), name


def _one_line_block(block: _Block, line: str) -> None:
    """ "His Majesty King Salman … Office of His Majesty the King Royal Court, Riyadh …" or
    "HIS EXCELLENCY MR LIU XIAOMING, Embassy of …, 49-51 Portland Place W1B 1JL, 020 7299 4049,
    press_uk@mfa.gov.cn": who (title and name), organisation, address, phone, email."""
    t = block.target
    emails = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", line)
    if emails and not t.email:
        t.email = ", ".join(emails)
    line = re.sub(r",?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "", line).strip(" ,")
    phone = re.search(r",\s*(\+?[\d ()-]{7,})\s*$", line)
    if phone and not t.phone:
        t.phone = phone[1].strip()
        line = line[: phone.start()].strip(" ,")
    org = ORG_WORDS.search(line)
    who, rest = (line[: org.start()], line[org.start() :]) if org else (line, "")
    if org and (len(who.split()) == 1 or _country_of(who.strip())):
        who, rest = "", line  # "Chinese Embassy in the United States Ambassador Xie Fang …"
    if org and not who.strip():
        # "Embassy of Belarus in the United States Chargé d'Affaires Pavel Shidlovsky 1619 …":
        # the organisation first, then the person from the first title word on
        for word in re.finditer(r"(?<=\s)[A-Z][\w'’-]*", rest):
            if word[0].lower() in TITLE_WORDS and not re.search(r"\d", rest[: word.start()]):
                head = rest[: word.start()].strip(" ,")
                digit = re.search(r"\s\d", rest[word.start() :])
                end = word.start() + digit.start() if digit else len(rest)
                t.organisation = head
                who, rest = rest[word.start() : end], rest[end:]
                title, name = _split_title(who.strip(" ,"))
                t.title, t.name = (title, name) if name else (who.strip(" ,"), None)
                if rest.strip(" ,"):
                    block.address.append(rest.strip(" ,"))
                return
    who_words = who.split()
    while who_words and who_words[-1].lower() in _ORG_ADJECTIVES:
        rest = who_words.pop() + " " + rest
    if who_words and re.search(r"['’]s$", who_words[-1]):  # "Prosecutor General's Office"
        rest = who_words.pop() + " " + rest
        while who_words and who_words[-1].lower() in TITLE_WORDS and len(who_words) > 2:
            rest = who_words.pop() + " " + rest
    who = " ".join(who_words).strip(" ,")
    who = re.sub(r"\s+c/o$", "", who)  # "Head of the Judiciary X c/o Permanent Mission …"
    if org and "," in who:
        # "Director Li Chunsheng, Guangdong Provincial Department …", "Head of the Judiciary,
        # Ebrahim Raisi, c/o Embassy …": what follows the person's comma is the organisation's
        head, _, extra = who.rpartition(",")
        extra_words = extra.split()
        if extra_words and all(_is_title_word(w) for w in extra_words) and _name_like(head):
            t.title, who = extra.strip(), head.strip()  # "Senior General Min Aung Hlaing, Chairman"
        elif len(extra_words) <= 2 and not any(_is_title_word(w) for w in extra_words):
            who, rest = head.strip(" ,"), (extra.strip() + " " + rest).strip()
            rest = re.sub(r"^c/o\s+", "", rest, flags=re.I)
    if "," in who and _starts_with_title(who):
        title, _, name = who.partition(",")
        if _name_like(name.strip()):
            t.title, t.name = title.strip(), name.strip()  # "Head of the Judiciary, Ebrahim Raisi"
            who = ""
    if not org:
        digit = re.search(r"\d", line)
        who, rest = (line[: digit.start()], line[digit.start() :]) if digit else (line, "")
        parts = who.split(",", 1)
        if len(parts) == 2:
            who, rest = parts[0], parts[1] + " " + rest
    if t.name:
        pass
    elif t.title and who:
        t.name = who
    elif _starts_with_title(who):
        title, name = _split_title(who.strip(" ,"))
        t.title, t.name = (title, name) if name else (who.strip(" ,"), None)
        if not name and org:
            t.title, t.name = _title_then_name(who.strip(" ,"), rest)
    elif who.strip(" ,"):
        t.name = who.strip(" ,")
    rest = rest.strip(" ,")
    if not rest:
        return
    cut = re.search(r",|\s(?=\d)", rest)
    if org and cut:
        t.organisation, address = rest[: cut.start()].strip(), rest[cut.end() :].strip(" ,")
    elif org:
        t.organisation, address = rest, ""
    else:
        address = rest
    if address:
        block.address.append(address)


_OBFUSCATED = re.compile(r"\[?\s*email\s*(?:&#160;|\s)*protected\s*\]?|\[at\]|\(at\)", re.I)


def _label(block: _Block, label: str, value: str, i: int, draft: UaDraft) -> None:
    """A labelled line of a block: Email, Phone/Tel, Fax, Twitter/Facebook/Instagram,
    Salutation; "Email (via contact form): URL" and "Contact form:" give no email."""
    t = block.target
    block.lines.append(i + 1)
    key = label.lower().rstrip(".")
    key = {"correo electrónico": "correo", "correo electronico": "correo"}.get(key, key)
    if key.startswith(("saludo", "formule d")):
        key = "salutation"  # "Saludo / Salutation:" (Spanish-English), "Formule d'appel" (French)
    who = t.name or t.organisation or t.title or "a target"
    if key == "salutation" or key == "anrede":
        t.salutation = value.strip().strip("()") or None
        # "Prime Minister X (Salutation: Your Excellency)": the block's address follows
        block.closed = not value.rstrip().endswith(")")
        return
    block.contacts = True
    value = value.strip().rstrip(",;")
    if "contact form" in key or key.startswith("web"):
        draft.warnings.append(f"{who}: the text gives a contact form, not an email (line {i + 1})")
        return
    if key in ("email", "e-mail", "courriel", "correo"):
        emails = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", value)
        if emails:
            t.email = ", ".join(emails)
        elif _OBFUSCATED.search(value):
            draft.warnings.append(
                f"{who}: the email is hidden in the text ({value!r}, line {i + 1}); unknown"
            )
        elif value.startswith("http"):
            draft.warnings.append(
                f"{who}: 'Email' gives a web address, not an email (line {i + 1})"
            )
        return
    if key.startswith(("phone", "tel", "tél")):
        if not key.startswith("telex") and not key.startswith("telegram"):
            t.phone = t.phone or value or None
        return
    if key.startswith(("fax", "telefax")):
        t.fax = t.fax or value or None
        return
    if key in ("twitter", "facebook", "instagram"):
        handles = re.findall(r"@[\w.]+", value) or ([value] if value else [])
        t.social_handle = " ".join(filter(None, [t.social_handle, *handles])) or None


# --- letter ---------------------------------------------------------------------------------


def _letter(sections: _Sections, draft: UaDraft) -> None:
    """The sample letter after its heading ("sample letter", "URGENT ACTION LETTER:",
    "Briefvorschlag"): the salutation (several, "Dear A, / B,", become one each, "Dear" put
    before each), the body's paragraphs (wrapped PDF lines joined) up to the sign-off, and the
    sign-off ("Yours sincerely,\\n\\n[YOUR NAME]") kept apart."""
    if not sections.letter:
        draft.warnings.append("no sample letter found")
        return
    rows = list(sections.letter)
    while rows and not rows[0][1].strip():
        rows.pop(0)
    if not rows:
        draft.warnings.append("no sample letter found")
        return
    first_index, first = rows[0]
    salutation, rest = _letter_salutation(first.strip())
    body_rows = rows[1:]
    if salutation:
        draft.letter_salutations = _split_salutations(salutation)
        draft.sources["letter_salutations"] = (first_index + 1,)
        if rest:
            body_rows = [(first_index, rest), *body_rows]
    else:
        body_rows = rows
    paragraphs: list[str] = []
    current: list[str] = []
    used: list[int] = []
    sign_off: list[str] = []
    split_rows: list[tuple[int, str]] = []
    for i, line in body_rows:
        # "… and release him. Sincerely," (a letter flattened onto one line): the sign-off apart
        tail = re.match(
            r"^(.*[.!?])\s+((?:yours sincerely|sincerely|yours faithfully|respectfully)\b.*)$",
            line.strip(),
            re.I,
        )
        split_rows.extend([(i, tail[1]), (i, tail[2])] if tail else [(i, line)])
    for i, line in split_rows:
        text = line.strip()
        if sign_off or _SIGN_OFF.match(text):
            sign_off.append(text)
            continue
        if not text:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(text)
        used.append(i + 1)
    if current:
        paragraphs.append(" ".join(current))
    if paragraphs:
        draft.letter = "\n\n".join(paragraphs)
        draft.sources["letter"] = tuple(used)
    if sign_off:
        draft.sign_off = re.sub(r"\n{3,}", "\n\n", "\n".join(sign_off[:6]).strip())
    elif draft.letter:
        draft.warnings.append("the sample letter has no sign-off: it may be cut off")
    if not draft.letter_salutations and draft.letter:
        draft.warnings.append("the sample letter has no salutation")


def _letter_salutation(line: str) -> tuple[str | None, str]:
    if not _SALUTATION_START.match(line):
        return None, line
    whole = line.endswith((",", ":")) and (line.count(",") <= 1 or len(line) <= 80)
    if len(line) <= 120 and (whole or "," not in line):
        return line, ""  # not "Dear Mr X, I urge you … Sincerely," (a one-line letter)
    comma = line.find(",")
    while comma != -1 and "/" in line[comma + 1 : comma + 4]:
        comma = line.find(",", comma + 1)  # "Dear Director Zhang Rui, / Chief Procurator …,"
    if 0 < comma <= 120:
        return line[: comma + 1], line[comma + 1 :].strip()
    return None, line


def _split_salutations(salutation: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\s+/\s+", salutation) if p.strip()]
    greeting = re.match(r"(Dear|Sehr geehrte[rs]?|Estimad[oa]s?)\s", parts[0], re.I)
    out = []
    for part in parts:
        if greeting and not _SALUTATION_START.match(part):
            part = f"{greeting[1]} {part}"
        if not part.endswith((",", ":", "!")):
            part += ","
        out.append(part)
    return out


def _salutations_from_letter(draft: UaDraft) -> None:
    """A target with no "Salutation:" line gets the letter's salutation that names it in full
    ("Dear Director Zhang Rui," for Zhang Rui); none is guessed otherwise."""
    opening = draft.sources.get("letter_salutations", (0,))[0]
    lines = draft.text.split("\n")
    for target in draft.targets:
        if target.salutation or not target.name:
            continue
        between = lines[max(target.lines, default=0) : opening - 1]
        others = [o.name.split()[-1] for o in draft.targets if o.name and o is not target]
        opening_text = " ".join(draft.letter_salutations[:1])
        names_other = any(re.search(rf"\b{re.escape(o)}\b", opening_text) for o in others)
        if (
            len(draft.letter_salutations) == 1
            and target.lines
            and not "".join(between).strip()
            and not names_other  # "Dear Governor Abbott and Members of the Board," (AIUSA)
        ):
            target.salutation = draft.letter_salutations[0]  # the model letter's addressee
            continue
        for salutation in draft.letter_salutations:
            if re.search(rf"(?<!\w){re.escape(target.name)}(?!\w)", salutation):
                target.salutation = salutation
                break


# --------------------------------------------------------------------------------------------


def _ones(indexes: list[int] | tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted({i + 1 for i in indexes}))


def read_ua(text: str) -> UaDraft:
    """The draft a careful reader takes from a UA's text; see the module's docstring."""
    normal = normalise(text)
    lines = normal.split("\n")
    draft = UaDraft(text=normal)
    if not normal.strip():
        draft.warnings.append("the text is empty")
        return draft
    sections = _sections(lines)
    _ua_number(lines, draft)
    _no_further_action(lines, draft)
    _update(lines, draft)
    _title(lines, draft)
    _deadline(lines, draft)
    _issued(lines, draft)
    _languages(lines, draft)
    _outcome(lines, draft)
    _summary(lines, sections, draft)
    _targets(sections, draft)
    _country(lines, draft, draft.targets)
    _letter(sections, draft)
    _salutations_from_letter(draft)
    _people(lines, sections, draft)
    for n, target in enumerate(draft.targets):
        if target.lines:
            draft.sources[f"targets.{n}"] = target.lines
    return draft
