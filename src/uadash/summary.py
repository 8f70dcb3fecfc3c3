"""What the organisation tells officials and writes in reports: a ready-to-paste sentence
with a case's exact totals for a period, and a short statement for each target with the
actions addressed to them. The numbers come from `queries`; the wording is built here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from uadash import letters, queries
from uadash.queries import CHANNELS, CaseFilter, Period
from uadash.store.models import Case, Target
from uadash.wording import between, listing, long_date, number, plural

# Singular and plural of each channel, as a sentence counts them.
CHANNEL_NOUNS: dict[str, tuple[str, str]] = {
    "letter": ("letter", "letters"),
    "email": ("email", "emails"),
    "call": ("call", "calls"),
    "tweet": ("tweet", "tweets"),
    "fax": ("fax", "faxes"),
}


@dataclass(frozen=True)
class Tally:
    """Actions reported in a period: the total and each channel's count (zeros included)."""

    period: Period
    total: int
    by_channel: dict[str, int]


def tally(engine: Engine, case: Case, *, period: Period, target: Target | None = None) -> Tally:
    """A case's actions in `period` from the query layer; with `target`, only theirs."""
    target_id = target.id if target is not None else None
    total = queries.total_actions(engine, [case.id], period, target_id=target_id)
    frame = queries.actions_by_channel(
        engine, CaseFilter(case_ids=(case.id,)), period=period, target_id=target_id
    )
    by_channel = {str(c): int(n) for c, n in zip(frame["channel"], frame["actions"], strict=True)}
    return Tally(period=period, total=total, by_channel=by_channel)


def channel_counts(by_channel: Mapping[str, int]) -> str:
    """`8,000 letters, 3,000 emails, 900 calls and 445 tweets`: channels in the fixed order,
    those with nothing left out."""
    parts = [
        plural(by_channel[channel], *CHANNEL_NOUNS[channel])
        for channel in CHANNELS
        if by_channel.get(channel)
    ]
    return listing(parts)


def sentence(
    *,
    period: Period,
    total: int,
    by_channel: Mapping[str, int],
    people: Sequence[str],
    case_label: str,
    target_name: str | None = None,
    target_total: int = 0,
) -> str:
    """`Between 1 January and 31 March 2025, supporters reported 12,345 actions for Huang
    Xueqin and Wang Jianbing: 8,000 letters, …, 7,100 of them to Director Zhang Rui.`"""
    whom = listing(list(people)) or case_label
    opening = _capitalised(between(period.start, period.end))
    if not total:
        return f"{opening}, supporters reported no actions for {whom}."
    text = f"{opening}, supporters reported {plural(total, 'action')} for {whom}"
    text += f": {channel_counts(by_channel)}"
    if target_name:
        text += f", {_share(target_total, total)} {target_name}"
    return text + "."


def _share(part: int, total: int) -> str:
    """How many of the actions went to the target: `7,100 of them to`, `all of them to`."""
    if part <= 0:
        return "none of them to"
    if part >= total:
        return {1: "sent to", 2: "both of them to"}.get(total, "all of them to")
    return f"{number(part)} of them to"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def case_sentence(
    engine: Engine, case: Case, *, period: Period, target: Target | None = None
) -> str:
    """The sentence for `case` in `period`, with the share addressed to `target` if given."""
    counted = tally(engine, case, period=period)
    target_total = 0
    if target is not None:
        target_total = queries.total_actions(engine, [case.id], period, target_id=target.id)
    return sentence(
        period=period,
        total=counted.total,
        by_channel=counted.by_channel,
        people=letters.people_names(case),
        case_label=case.label,
        target_name=letters.spoken_name(target) if target is not None else None,
        target_total=target_total,
    )


@dataclass(frozen=True)
class Statement:
    """What the organisation sends one target: their total, as a short letter."""

    target: Target
    actions: int
    text: str
    filename: str


def target_statement(
    engine: Engine, case: Case, target: Target, *, period: Period, today: date
) -> Statement:
    counted = tally(engine, case, period=period, target=target)
    return Statement(
        target=target,
        actions=counted.total,
        text=statement_text(case, target, counted, today=today),
        filename=statement_filename(case, target, period),
    )


def target_statements(
    engine: Engine, case: Case, *, period: Period, today: date
) -> list[Statement]:
    """One statement per target of the case, in the case's order (CC targets included)."""
    return [
        target_statement(engine, case, target, period=period, today=today)
        for target in case.targets
    ]


def statement_text(case: Case, target: Target, counted: Tally, *, today: date) -> str:
    """Date, address block, salutation, the target's total by channel, and a sign-off."""
    when = _capitalised(between(counted.period.start, counted.period.end))
    action = f"Urgent Action {case.ua_number}"
    people = listing(letters.people_names(case))
    if counted.total:
        on_behalf = f" on behalf of {people}" if people else ""
        body = [
            f"{when}, supporters of {action} sent you {plural(counted.total, 'action')}"
            f"{on_behalf}: {channel_counts(counted.by_channel)}.",
            f"Behind {'this action' if counted.total == 1 else 'each of these actions'} "
            f"is a person who asks you to act on the concerns set out in the Urgent Action "
            f"“{case.title}”.",
        ]
    else:
        body = [f"{when}, no supporter of {action} reported an action addressed to you."]
    parts = [
        long_date(today),
        letters.address_block(target),
        letters.salutation_for(target),
        *body,
        letters.DEFAULT_SIGN_OFF,
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def statement_filename(case: Case, target: Target, period: Period) -> str:
    """`ua-44.22-2-zhang-rui-statement-2025-01-01-to-2025-03-31.txt`."""
    stem = letters.letter_filename(case, target).removesuffix(".txt")
    return f"{stem}-statement-{period.start.isoformat()}-to-{period.end.isoformat()}.txt"


class TargetNotFound(LookupError):
    """No target, or more than one, answers to the name given; the message lists them."""


def find_target(case: Case, name: str) -> Target:
    """The target whose name is `name` (any case), else the only one whose name contains it."""
    wanted = name.strip().casefold()
    exact = [t for t in case.targets if t.name.casefold() == wanted]
    partial = [t for t in case.targets if wanted and wanted in t.name.casefold()]
    found = exact or partial
    if len(found) == 1:
        return found[0]
    names = ", ".join(t.name for t in case.targets) or "none"
    if not found:
        raise TargetNotFound(f"{case.label} has no target “{name}”; its targets: {names}")
    matches = ", ".join(t.name for t in found)
    raise TargetNotFound(f"“{name}” matches several targets of {case.label}: {matches}")
