"""What each target of a case gets: the letter exactly as sent, an email, a tweet, a call script.

Pure functions of a `Case` and one of its `Target`s: no Streamlit, no database. Problems a
supporter or staff member should know about come back as plain sentences in `warnings`,
never as exceptions, so that a half-finished case still previews.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from uadash.store.models import Case, Target
from uadash.vocab import TargetRole

NAME_PLACEHOLDER = "[YOUR NAME]"
ADDRESS_PLACEHOLDER = "[YOUR ADDRESS]"
DEFAULT_SIGN_OFF = f"Yours sincerely,\n\n{NAME_PLACEHOLDER}"
# Mail programs and browsers cut longer mailto: links short, or refuse them outright.
MAILTO_MAX_LENGTH = 2000
TWEET_LIMIT = 280
# A title this short ("Ambassador", "Chief Procurator") goes in front of the name.
SHORT_TITLE_WORDS = 3

# Written out in English whatever the server's locale: the letters are in English.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_NAME_SLOT = re.compile(r"\[\s*your\s+(?:full\s+)?name\s*\]", re.IGNORECASE)
_ADDRESS_SLOT = re.compile(r"\[\s*your\s+(?:postal\s+)?address\s*\]", re.IGNORECASE)
_ANY_SLOT = re.compile(r"\[\s*your\b[^\]\n]{0,40}\]", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A body pasted with its greeting or closing would greet or sign the letter twice.
_GREETING_LINE = re.compile(r"dear\b", re.IGNORECASE)
_CLOSING_LINE = re.compile(
    r"(yours(\s+(sincerely|faithfully|truly))?|sincerely|kind regards|best regards|regards"
    r"|respectfully)\b[\s,.]*$",
    re.IGNORECASE,
)


# --- the letter ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """A letter to one target: `text` is exactly what is printed and sent."""

    text: str
    sender_block: str
    date_line: str
    address_block: str
    salutation: str
    body: str
    sign_off: str
    cc_line: str
    warnings: list[str] = field(default_factory=list)
    # Placeholders still in `text` (`[YOUR NAME]` …), for a page to say what is left to fill.
    placeholders: tuple[str, ...] = ()


def render_letter(
    case: Case,
    target: Target,
    *,
    writer_name: str = "",
    writer_address: str = "",
    on: date,
) -> Letter:
    """The letter `target` gets: sender, date, address block, salutation, body, sign-off, CC."""
    warnings: list[str] = []
    body = _fill(_letter_body(case, warnings), writer_name, writer_address)
    sign_off = _sign_off(case, writer_name, writer_address, warnings)
    address = address_block(target)
    if not _lines(target.address):
        warnings.append(f"{_who(target)} has no postal address on file.")
    sender = _sender_block(writer_name, writer_address)
    date_line = written_date(on)
    salutation = salutation_for(target)
    cc = cc_line(case, target)
    parts = (sender, date_line, address, salutation, body, sign_off, cc)
    # Empty parts (no body yet, no CC) leave no stray blank lines behind.
    text = "\n\n".join(part for part in parts if part) + "\n"
    return Letter(
        text=text,
        sender_block=sender,
        date_line=date_line,
        address_block=address,
        salutation=salutation,
        body=body,
        sign_off=sign_off,
        cc_line=cc,
        warnings=warnings,
        placeholders=_placeholders(text),
    )


def written_date(day: date) -> str:
    """`24 November 2026`."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def address_block(target: Target) -> str:
    """Name, title, organisation and postal address, one per line, empty parts and exact
    repeats left out. The organisation stays even when the title names it: that is how the
    UA sheets print it ("Director of Guangzhou Public Security Bureau" / "Guangzhou Public
    Security Bureau"), and the letter must read as the case file has it."""
    lines = [
        _text(target.name),
        _text(target.title),
        _text(target.organisation),
        *_lines(target.address),
    ]
    return "\n".join(_unique(line for line in lines if line))


def salutation_for(target: Target) -> str:
    """The target's own salutation, else `Dear Ambassador Xie Fang,` or `Dear Zhang Rui,`."""
    given = _text(target.salutation)
    if given:
        return given if given[-1] in ",:;.!" else f"{given},"
    name = _text(target.name)
    if not name:
        return "Dear Sir or Madam,"
    return f"Dear {_short_title_and_name(target) or name},"


def cc_line(case: Case, target: Target) -> str:
    """`CC: Ambassador Xie Fang, Chinese Embassy in the United States`, or "" without CCs.

    Only the case's CC targets are copied, never the other primary targets: each of those
    gets a letter of their own.
    """
    entries = [_cc_entry(other) for other in _cc_targets(case, excluding=target)]
    entries = [entry for entry in entries if entry]
    return f"CC: {'; '.join(entries)}" if entries else ""


def _letter_body(case: Case, warnings: list[str]) -> str:
    text = _clean(case.sample_letter)
    if not text:
        warnings.append("This case has no sample letter yet.")
        return ""
    paragraphs = text.split("\n\n")
    first_line = paragraphs[0].split("\n", 1)[0]
    if _GREETING_LINE.match(first_line):
        paragraphs[0] = paragraphs[0].partition("\n")[2]
        warnings.append(
            "The sample letter starts with its own greeting; it was left out so that the "
            "letter is not greeted twice."
        )
    signed = False
    while paragraphs and _is_closing(paragraphs[-1]):
        paragraphs.pop()
        signed = True
    if signed:
        warnings.append(
            "The sample letter ends with its own sign-off; it was left out so that the "
            "letter is not signed twice."
        )
    body = "\n\n".join(paragraph.strip() for paragraph in paragraphs if paragraph.strip())
    if not body:
        warnings.append("This case has no sample letter yet.")
    return body


def _is_closing(paragraph: str) -> bool:
    lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
    if not lines or len(lines) > 3:
        return False
    return bool(_CLOSING_LINE.match(lines[0]) or _NAME_SLOT.fullmatch(lines[0]))


def _sign_off(case: Case, writer_name: str, writer_address: str, warnings: list[str]) -> str:
    text = _clean(case.sign_off)
    if not text:
        warnings.append('This case has no sign-off; the letter ends with "Yours sincerely,".')
        text = DEFAULT_SIGN_OFF
    if not _NAME_SLOT.search(text):
        # A letter to an official is signed; a sign-off without a name slot would drop it.
        text = f"{text}\n\n{NAME_PLACEHOLDER}"
    return _fill(text, writer_name, writer_address)


def _sender_block(writer_name: str, writer_address: str) -> str:
    name = writer_name.strip() or NAME_PLACEHOLDER
    return "\n".join([name, *(_lines(writer_address) or [ADDRESS_PLACEHOLDER])])


def _fill(text: str, writer_name: str, writer_address: str) -> str:
    """Placeholders replaced by what the writer gave; left visible where they gave nothing,
    so that an unsigned letter is obvious rather than silently anonymous."""
    name = writer_name.strip()
    if name:
        text = _NAME_SLOT.sub(lambda _: name, text)
    address = ", ".join(_lines(writer_address))
    if address:
        text = _ADDRESS_SLOT.sub(lambda _: address, text)
    return text


def _placeholders(text: str) -> tuple[str, ...]:
    return tuple(_unique(match.group(0) for match in _ANY_SLOT.finditer(text)))


# --- email -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailDraft:
    """An email to one target; `mailto` is None when the link would be too long to open."""

    to: str | None
    cc: list[str]
    subject: str
    body: str
    mailto: str | None
    warnings: list[str] = field(default_factory=list)


def email_draft(
    case: Case, target: Target, *, writer_name: str = "", writer_address: str = ""
) -> EmailDraft:
    """The email `target` gets: the letter without the postal parts, CC to the known CCs."""
    warnings: list[str] = []
    body = _fill(_letter_body(case, warnings), writer_name, writer_address)
    sign_off = _sign_off(case, writer_name, writer_address, warnings)
    # An email carries no letterhead; the writer's address, when given, goes under the name.
    signature = "\n".join([sign_off, *_lines(writer_address)])
    text = "\n\n".join(part for part in (salutation_for(target), body, signature) if part)

    to = _email_of(target, warnings)
    if to is None and not _text(target.email):
        warnings.append(f"{_who(target)} has no email address on file.")
    cc: list[str] = []
    seen = {to.casefold()} if to else set()
    for other in _cc_targets(case, excluding=target):
        address = _email_of(other, warnings)
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            cc.append(address)
    subject = email_subject(case)
    mailto: str | None = mailto_url(to, cc=cc, subject=subject, body=text)
    if mailto is not None and len(mailto) > MAILTO_MAX_LENGTH:
        mailto = None
    return EmailDraft(to=to, cc=cc, subject=subject, body=text, mailto=mailto, warnings=warnings)


def email_subject(case: Case) -> str:
    """`Release Sophia Huang Xueqin and Wang Jianbing`, or the case's title when it names
    nobody."""
    names = [name for name, _ in _people(case)]
    if not names:
        return _text(case.title) or case.label
    return f"Release {_join(names)}"


def mailto_url(to: str | None, *, cc: Iterable[str] = (), subject: str, body: str) -> str:
    """A `mailto:` link (RFC 6068): everything percent-encoded as UTF-8, spaces as %20 (a `+`
    would reach the reader as a plus sign), line breaks as %0A."""
    fields = []
    cc_list = list(cc)
    if cc_list:
        fields.append("cc=" + ",".join(quote(address, safe="@") for address in cc_list))
    fields.append("subject=" + quote(subject, safe=""))
    fields.append("body=" + quote(body, safe=""))
    return f"mailto:{quote(to or '', safe='@')}?{'&'.join(fields)}"


def _email_of(target: Target, warnings: list[str]) -> str | None:
    address = _text(target.email)
    if not address:
        return None
    if not _EMAIL.fullmatch(address):
        # Pages copied from the web hide addresses ("[email protected]").
        warnings.append(
            f"The email address on file for {_who(target)} ({address}) is not an email address."
        )
        return None
    return address


# --- tweet -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TweetDraft:
    """A tweet to one target, with its length counted as X counts it."""

    text: str
    length: int
    limit: int = TWEET_LIMIT
    warnings: list[str] = field(default_factory=list)

    @property
    def over_limit(self) -> bool:
        return self.length > self.limit


def tweet_draft(case: Case, target: Target) -> TweetDraft:
    """`@handle I urge you to release … immediately and unconditionally.`, shortened to fit."""
    warnings: list[str] = []
    handle = twitter_handle(target.social_handle)
    if handle is None:
        warnings.append(f"{_who(target)} has no social media handle on file.")
    people = _people(case)
    names = _join([name for name, _ in people])
    with_native = _join([f"{name} ({native})" if native else name for name, native in people])
    if people:
        # Most to least preferred; the native script reaches the officials' own public.
        candidates = [
            f"I urge you to release {with_native} immediately and unconditionally.",
            f"I urge you to release {names} immediately and unconditionally.",
            f"Release {names} now.",
        ]
    else:
        candidates = [f"Please act now on {_text(case.title) or case.label}."]
    texts = [" ".join(part for part in (handle, candidate) if part) for candidate in candidates]
    text = next((t for t in texts if tweet_length(t) <= TWEET_LIMIT), texts[-1])
    length = tweet_length(text)
    if length > TWEET_LIMIT:
        warnings.append(
            f"The tweet is {length} characters as X counts them, over the limit of "
            f"{TWEET_LIMIT}; shorten it before posting."
        )
    return TweetDraft(text=text, length=length, warnings=warnings)


def twitter_handle(value: str | None) -> str | None:
    """`@handle` from "handle", "@handle", "@@handle" or a profile link; None when blank."""
    text = _text(value)
    if "/" in text:
        text = text.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    text = text.lstrip("@").strip()
    return f"@{text}" if text else None


# --- tweet length, as twitter-text v3 counts it ------------------------------------------------

TWEET_URL_LENGTH = 23
_WEIGHT_ONE = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

# A URL candidate; `_url_spans` decides which candidates X would really link. Deliberately
# simpler than twitter-text (no full list of top-level domains, ASCII bare domains only).
_URL_CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9@＠$#＃\u202a-\u202e])"
    r"(?P<protocol>https?://)?"
    r"(?P<domain>(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?P<tld>[^\W\d_]{2,}))"
    r"(?P<port>:\d{1,5})?"
    r"(?P<path>[/?#][^\s<>\"“”‘’]*)?",
    re.IGNORECASE,
)
# Generic top-level domains X links without a protocol; any two-letter one counts as a
# country code.
_GENERIC_TLDS_TEXT = """
com net org edu gov mil int info biz name pro mobi asia tel travel jobs aero coop museum cat
post xxx app dev page blog news online site website xyz top club shop store tech live world
today global ngo ong link media network social press email church foundation charity
"""
_GENERIC_TLDS = frozenset(_GENERIC_TLDS_TEXT.split())
_PATH_END = re.compile(r"[\w=#/+\-&]")
_VS16 = 0xFE0F
_ZWJ = 0x200D
_KEYCAP = 0x20E3


def tweet_length(text: str) -> int:
    """The length X gives `text`: NFC code points weighted 1 (Latin, Cyrillic … and common
    punctuation) or 2 (CJK and everything else), each URL 23, each emoji sequence 2."""
    text = unicodedata.normalize("NFC", text)
    urls = dict(_url_spans(text))
    total = 0
    index = 0
    while index < len(text):
        if index in urls:
            total += TWEET_URL_LENGTH
            index = urls[index]
            continue
        end = _emoji_end(text, index)
        if end > index:
            total += 2
            index = end
            continue
        total += _weight(ord(text[index]))
        index += 1
    return total


def _weight(code_point: int) -> int:
    return 1 if any(low <= code_point <= high for low, high in _WEIGHT_ONE) else 2


def _url_spans(text: str) -> Iterator[tuple[int, int]]:
    for match in _URL_CANDIDATE.finditer(text):
        start, end = match.span()
        domain, tld = match.group("domain"), match.group("tld").lower()
        if not match.group("protocol"):
            before = text[start - 1] if start else ""
            # A bare domain is linked only when it is ASCII, not part of a path or a handle,
            # has a known top-level domain, and is not a lone "name.cc" without a path.
            if before and before in "-_./":
                continue
            if not domain.isascii() or (tld not in _GENERIC_TLDS and len(tld) != 2):
                continue
            short = domain.count(".") == 1 and len(tld) == 2
            if short and not match.group("path") and domain.lower() != "t.co":
                continue
        if end < len(text) and text[end] == "@":
            continue  # the name part of an email address
        yield start, _trim_url_end(text, start, end)


def _trim_url_end(text: str, start: int, end: int) -> int:
    """Where the URL really ends: trailing punctuation belongs to the sentence, and a closing
    bracket only to the URL when it opened one."""
    while end > start:
        last = text[end - 1]
        if _PATH_END.match(last):
            return end
        if last == ")" and text.count("(", start, end) >= text.count(")", start, end):
            return end
        end -= 1
    return end


def _emoji_end(text: str, index: int) -> int:
    """The end of the emoji sequence starting at `index`, or `index` when none starts there.

    Sequences joined by ZERO WIDTH JOINER (👩‍👩‍👧) and their skin tones, variation selectors
    and tags (🏴 flags) count as one emoji, as do flag pairs and keycaps.
    """
    end = _emoji_element_end(text, index)
    if end == index:
        return index
    while end + 1 < len(text) and ord(text[end]) == _ZWJ:
        joined = _emoji_element_end(text, end + 1)
        if joined == end + 1:
            break
        end = joined
    return end


def _emoji_element_end(text: str, index: int) -> int:
    code = ord(text[index])
    following = ord(text[index + 1]) if index + 1 < len(text) else -1
    if _is_regional_indicator(code) and _is_regional_indicator(following):
        return index + 2
    if text[index] in "0123456789#*":
        # A keycap: the digit, an optional VS16, then COMBINING ENCLOSING KEYCAP.
        end = index + 1 + (following == _VS16)
        return end + 1 if end < len(text) and ord(text[end]) == _KEYCAP else index
    if code in (0x00A9, 0x00AE):
        # © and ® are emoji only in emoji presentation; alone they weigh 1 as text.
        if following != _VS16:
            return index
    elif not _is_pictographic(code):
        return index
    end = index + 1
    while end < len(text) and _is_emoji_modifier(ord(text[end])):
        end += 1
    return end


def _is_regional_indicator(code: int) -> bool:
    return 0x1F1E6 <= code <= 0x1F1FF


def _is_emoji_modifier(code: int) -> bool:
    return (
        code in (_VS16, _KEYCAP)
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tags, as in the flags of England or Scotland
    )


def _is_pictographic(code: int) -> bool:
    # An approximation of Unicode's Extended_Pictographic: the emoji blocks, plus the older
    # symbols that have emoji forms.
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2300 <= code <= 0x23FF
        or 0x2190 <= code <= 0x21FF
        or 0x25A0 <= code <= 0x25FF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x3030, 0x303D, 0x3297, 0x3299)
    )


# --- call script -----------------------------------------------------------------------------


def call_script(case: Case, target: Target, *, writer_name: str = "") -> str:
    """What to say on the phone to `target`, with the number to dial (or why there is none)."""
    phone = _text(target.phone)
    if phone:
        dial = f"Number to dial: {phone}"
    else:
        dial = (
            f"There is no phone number on file for {_who(target)}; "
            "send a letter or an email instead."
        )
    caller = writer_name.strip() or NAME_PLACEHOLDER
    names = _join([name for name, _ in _people(case)])
    if names:
        about = f"I am calling about {names}."
        ask = "I urge you to release them immediately and unconditionally."
    else:
        about = f"I am calling about {_text(case.title) or case.label}."
        ask = "I urge you to act on this case without delay."
    lines = [
        dial,
        f"Hello, may I please speak to {spoken_name(target)}?",
        f"My name is {caller}. {about} {ask}",
        "Thank you for your time.",
    ]
    return "\n\n".join(lines) + "\n"


def spoken_name(target: Target) -> str:
    """The name as the case addresses it ("Director Zhang Rui"), else title and name."""
    name = _text(target.name)
    greeting = _text(target.salutation)
    if greeting.lower().startswith("dear ") and name and name in greeting:
        return greeting[5:].rstrip(",:;.! ")
    if _short_title_and_name(target):
        return _short_title_and_name(target)
    title = _text(target.title)
    if name and title:
        return f"{name}, {title}"
    return name or "the person in charge"


# --- file names ------------------------------------------------------------------------------


def letter_filename(case: Case, target: Target) -> str:
    """`ua-44.22-2-zhang-rui.txt`: ASCII only, safe on every file system."""
    number = _slug(_text(case.ua_number), keep=".") or "case"
    name = _slug(_text(target.name)) or "target"
    return f"ua-{number}-{case.update_number or 0}-{name}.txt"


def _slug(text: str, *, keep: str = "") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    pattern = rf"[^a-z0-9{re.escape(keep)}]+"
    return re.sub(pattern, "-", ascii_text.lower()).strip("-" + keep)


# --- shared ----------------------------------------------------------------------------------


def _cc_targets(case: Case, *, excluding: Target) -> list[Target]:
    return [
        other
        for other in case.targets
        if other.role == TargetRole.cc
        and other.retired_at is None  # retired in the app: no longer written to
        and not _same_target(other, excluding)
    ]


def _same_target(one: Target, other: Target) -> bool:
    return one is other or (one.id is not None and one.id == other.id)


def _cc_entry(target: Target) -> str:
    """`Ambassador Xie Fang, Chinese Embassy in the United States`."""
    name = _text(target.name)
    title = _text(target.title)
    entry = _short_title_and_name(target) or ", ".join(part for part in (name, title) if part)
    organisation = _text(target.organisation)
    if organisation and organisation not in entry:
        entry = ", ".join(part for part in (entry, organisation) if part)
    return entry


def _short_title_and_name(target: Target) -> str:
    """`Ambassador Xie Fang` when the title is short enough to stand before the name, else ""."""
    name = _text(target.name)
    title = _text(target.title)
    if name and title and len(title.split()) <= SHORT_TITLE_WORDS:
        return f"{title} {name}"
    return ""


def people_names(case: Case) -> list[str]:
    """The names of the people at risk, in the case's order."""
    return [name for name, _ in _people(case)]


def _people(case: Case) -> list[tuple[str, str | None]]:
    """(name, native name) of each person at risk, in the case's order."""
    people: list[tuple[str, str | None]] = []
    for person in case.people_at_risk or []:
        # Case files give dicts; a bare string is read as a name rather than dropped.
        if isinstance(person, dict):
            name, native = _text(person.get("name")), _text(person.get("native_name"))
        else:
            name, native = _text(person), ""
        if name:
            people.append((name, native or None))
    return people


def _join(items: list[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _who(target: Target) -> str:
    return _text(target.name) or "This target"


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _lines(value: str | None) -> list[str]:
    """The non-empty lines of a multi-line field, trimmed."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _clean(value: str | None) -> str:
    """Line ends unified, trailing spaces dropped, at most one blank line in a row."""
    lines = [line.rstrip() for line in (value or "").replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _unique(items: Iterable[str]) -> list[str]:
    """`items` without repeats (ignoring case and a trailing comma), first one kept."""
    seen: set[str] = set()
    kept = []
    for item in items:
        key = item.rstrip(",. ").casefold()
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept
