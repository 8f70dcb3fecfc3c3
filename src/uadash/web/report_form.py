"""The supporters' report form, `/report/<case ref>`: plain server-rendered HTML, no sign-in, no
JavaScript, embeddable in the organisation's own page. It takes reports and nothing else.

Against abuse: a signed, time-limited token (no server session), a honeypot field, a body size
limit, and rate limits per client address and per case; a refused post writes nothing and gets
a plain message. Every value shown is HTML-escaped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from html import escape
from urllib.parse import parse_qs

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from uadash import config, limits
from uadash.reports.intake import IntakeError
from uadash.reports.live import (
    FormCase,
    Refused,
    StaleCase,
    Taken,
    case_total,
    form_case,
    take_form,
)
from uadash.vocab import Channel
from uadash.web.throttle import RateLimiter, TooLarge, client_address, read_body
from uadash.wording import long_date, plural

MAX_FORM_BYTES = limits.REPORT_FORM.file_bytes or 64 * 1024
TOKEN_SECONDS = 6 * 3600  # a form left open over lunch still sends
HONEYPOT = "website"
CHANNEL_LABELS = {
    Channel.letter: "Letter",
    Channel.email: "Email",
    Channel.call: "Phone call",
    Channel.tweet: "Tweet or post on X",
    Channel.fax: "Fax",
}

ACTION_NOUNS = {
    "letter": ("letter", "letters"),
    "email": ("email", "emails"),
    "call": ("phone call", "phone calls"),
    "tweet": ("tweet", "tweets"),
    "fax": ("fax", "faxes"),
}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;
background:#fafafa;color:#1a1a1a;line-height:1.45;font-size:17px}
main{max-width:36rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.25rem 0 .5rem}
.ua{color:#555;font-size:.95rem;margin:0}
.people{margin:.25rem 0 1rem}
fieldset{border:1px solid #ccc;border-radius:6px;margin:0 0 1rem;padding:.5rem .75rem .75rem;
background:#fff}
legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;padding:.35rem 0}
.choice input{width:1.25rem;height:1.25rem;margin-top:.15rem;flex:none}
.hint{color:#555;font-size:.9rem}
label.field{display:block;font-weight:600;margin:.5rem 0 .25rem}
input[type=number],input[type=date],input[type=email]{font-size:1rem;padding:.5rem;
width:100%;box-sizing:border-box;border:1px solid #888;border-radius:4px}
button{font-size:1.05rem;padding:.7rem 1.2rem;background:#ffff00;color:#000;border:2px solid #000;
border-radius:4px;font-weight:700;width:100%;cursor:pointer}
.problem{background:#fdecea;border-left:4px solid #b00020;padding:.5rem .75rem;margin:0 0 1rem}
.done{background:#e8f5e9;border-left:4px solid #2e7d32;padding:.5rem .75rem;margin:0 0 1rem}
.total{font-size:1.2rem;font-weight:700}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
"""
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")


def routes(engine: Engine) -> list[BaseRoute]:
    form = ReportForm(engine)
    return [Route("/report/{ref}", form.endpoint, methods=["GET", "POST"], name="report_form")]


class Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ReportForm:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.per_address = RateLimiter(config.form_rate_per_address)
        self.per_case = RateLimiter(config.form_rate_per_case)

    async def endpoint(self, request: Request) -> Response:
        ref = request.path_params["ref"]
        try:
            # A post may use the kept copy: its write checks that copy's stamp (StaleCase).
            kept = request.method != "GET"
            case = await run_in_threadpool(lambda: form_case(self.engine, ref, kept=kept))
            if case is None:
                raise Refusal(404, f"There is no Urgent Action {ref} on file. Check the link.")
            if request.method == "GET":
                return _blank_page(case)
            return await self._post(request, case)
        except Refusal as refusal:
            return _plain(refusal.status, refusal.message)

    async def _post(self, request: Request, case: FormCase) -> Response:
        try:
            body = await read_body(request, MAX_FORM_BYTES)
        except TooLarge:
            raise Refusal(413, "That report is too large to take.") from None
        address = client_address(request, config.trusted_proxies())
        if not self.per_address.allow(address):
            raise Refusal(429, "Too many reports from your connection just now: try again later.")
        if not self.per_case.allow(case.ref):
            raise Refusal(429, "Too many reports for this Urgent Action just now: try again soon.")
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
        except (UnicodeDecodeError, ValueError):
            raise Refusal(400, "That report could not be read.") from None
        if case.closed_because:
            raise Refusal(409, case.closed_because)
        if _one(fields, HONEYPOT):
            raise Refusal(400, "That report could not be taken.")
        submission = _one(fields, "submission")
        if not check_token(_one(fields, "token"), case_ref=case.ref, submission=submission):
            raise Refusal(403, "This form is too old or did not come from us: open the form again.")
        values = {name: _one(fields, name) for name in ("count", "action_date", "email")}
        targets = fields.get("target", [])
        channels = fields.get("channel", [])

        def take() -> tuple[Taken, int, FormCase]:  # one trip to the thread pool, not two
            current = case
            try:
                taken = self._take(current, targets, channels, values, submission)
            except StaleCase:  # the kept copy is out of date: read the case again
                fresh = form_case(self.engine, ref)
                if fresh is None:
                    raise Refusal(404, f"There is no Urgent Action {ref} on file.") from None
                if fresh.closed_because:
                    raise Refusal(409, fresh.closed_because) from None
                current = fresh
                taken = self._take(current, targets, channels, values, submission)
            found = taken.case_totals.get(current.id)
            total = case_total(self.engine, current.id) if found is None else found
            return taken, total, current

        ref = request.path_params["ref"]
        try:
            taken, total, case = await run_in_threadpool(take)
        except Refused as refused:
            kept = {**values, "target": targets, "channel": channels}
            problems = [_wording(p.field, p.message) for p in refused.problems]
            return _page(case, _form(case, values=kept, problems=problems), status=422)
        except IntakeError as error:
            raise Refusal(503, str(error)) from None
        return _page(case, _thanks(case, taken, total, targets, channels, values))

    def _take(
        self,
        case: FormCase,
        targets: list[str],
        channels: list[str],
        values: dict[str, str],
        submission: str,
    ) -> Taken:
        return take_form(
            self.engine,
            case,
            target_ids=targets,
            channels=channels,
            count=values["count"],
            action_date=values["action_date"],
            email=values["email"],
            submission_id=submission,
        )


# --- tokens -------------------------------------------------------------------------------------


def make_token(*, case_ref: str, submission: str, issued: int | None = None) -> str:
    issued = int(time.time()) if issued is None else issued
    return f"{issued}.{_signature(case_ref, submission, issued)}"


def check_token(token: str, *, case_ref: str, submission: str, now: float | None = None) -> bool:
    issued_text, _, signature = token.partition(".")
    if not issued_text.isdigit() or not submission:
        return False
    issued = int(issued_text)
    age = (time.time() if now is None else now) - issued
    if not -300 <= age <= TOKEN_SECONDS:
        return False
    return hmac.compare_digest(signature, _signature(case_ref, submission, issued))


def _signature(case_ref: str, submission: str, issued: int) -> str:
    message = f"{case_ref}\x1f{submission}\x1f{issued}".encode()
    return hmac.new(config.form_secret(), message, "sha256").hexdigest()[:40]


# --- pages --------------------------------------------------------------------------------------


def _one(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name) or [""]
    return values[0]


def _wording(field: str, message: str) -> str:
    names = {
        "target": "Officials",
        "channel": "How",
        "count": "How many",
        "action_date": "Day",
        "email": "Email",
        "reporter_email": "Email",
        "submission": "Form",
        "case": "Urgent Action",
    }
    return f"{names.get(field, field)}: {message}"


def _page(case: FormCase, body: str, *, status: int = 200) -> HTMLResponse:
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report your actions — {escape(case.label)}</title>
<style>{STYLE}</style></head>
<body><main>
<p class="ua">{escape(case.label)}</p>
<h1>{escape(case.title)}</h1>
{_people(case.people)}
{body}
</main></body></html>"""
    return HTMLResponse(html, status_code=status, headers=_headers())


# The blank form's page, per case and day, with the two values each copy gets its own
# (a fresh submission id and its token) left as markers: only they change between GETs.
_SUBMISSION = "\x00submission\x00"
_TOKEN = "\x00token\x00"
_blank_pages: dict[tuple[FormCase, date, str], tuple[str, str, str]] = {}


def _blank_page(case: FormCase) -> HTMLResponse:
    """`_page(case, _form(case, values={}, problems=[]))`, built once per case (a FormCase is
    new whenever its case changes) and day, with a new submission id and token each time."""
    if case.closed_because:
        return _page(case, _form(case, values={}, problems=[]))
    headers = _headers()
    key = (case, config.today(), headers["Content-Security-Policy"])
    parts = _blank_pages.get(key)
    if parts is None:
        html = bytes(_page(case, _form(case, values={}, problems=[], marked=True)).body).decode()
        before, rest = html.split(_SUBMISSION)
        middle, after = rest.split(_TOKEN)
        if len(_blank_pages) > 1_000:
            _blank_pages.clear()
        parts = _blank_pages[key] = (before, middle, after)
    submission = secrets.token_urlsafe(18)
    token = make_token(case_ref=case.ref, submission=submission)
    before, middle, after = parts
    # Both are URL-safe base64 and digits: nothing in them needs escaping.
    return HTMLResponse(before + submission + middle + token + after, headers=headers)


def _plain(status: int, message: str) -> HTMLResponse:
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report your actions</title><style>{STYLE}</style></head>
<body><main><p class="problem" role="alert">{escape(message)}</p></main></body></html>"""
    return HTMLResponse(html, status_code=status, headers=_headers())


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; form-action 'self'; "
            f"base-uri 'none'; frame-ancestors {config.form_frame_ancestors()}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def _people(people: Sequence[str]) -> str:
    if not people:
        return ""
    return f'<p class="people">For {escape(" and ".join(people))}</p>'


def _form(
    case: FormCase,
    *,
    values: Mapping[str, object],
    problems: Sequence[str],
    marked: bool = False,
) -> str:
    """The form; `marked`: with markers in place of the submission id and token."""
    if case.closed_because:
        return f'<p class="done" role="status">{escape(case.closed_because)}</p>'
    submission = _SUBMISSION if marked else secrets.token_urlsafe(18)
    token = _TOKEN if marked else make_token(case_ref=case.ref, submission=submission)
    chosen_targets = set(_list(values.get("target")))
    chosen_channels = set(_list(values.get("channel")))
    today = config.today()
    day = str(values.get("action_date") or today.isoformat())
    count = str(values.get("count") or "1")
    email = str(values.get("email") or "")
    problem_html = (
        '<div class="problem" role="alert"><p>Please check:</p><ul>'
        + "".join(f"<li>{escape(problem)}</li>" for problem in problems)
        + "</ul></div>"
        if problems
        else ""
    )
    targets = "".join(
        f'<div class="choice"><input type="checkbox" name="target" id="target-{t.id}" '
        f'value="{t.id}"{" checked" if str(t.id) in chosen_targets else ""}>'
        f'<label for="target-{t.id}">{escape(t.name)}'
        + (f'<br><span class="hint">{escape(t.title)}</span>' if t.title else "")
        + "</label></div>"
        for t in case.targets
    )
    channels = "".join(
        f'<div class="choice"><input type="checkbox" name="channel" id="channel-{c.value}" '
        f'value="{c.value}"{" checked" if c.value in chosen_channels else ""}>'
        f'<label for="channel-{c.value}">{escape(label)}</label></div>'
        for c, label in CHANNEL_LABELS.items()
    )
    latest = (today + timedelta(days=1)).isoformat()
    return f"""{problem_html}
<p>Thank you for taking action. Tell us what you did: we add up every report and share the
total with the officials.</p>
<form method="post" action="/report/{escape(case.ref)}" accept-charset="utf-8">
<input type="hidden" name="submission" value="{escape(submission)}">
<input type="hidden" name="token" value="{escape(token)}">
<fieldset><legend>Who did you contact?</legend>{targets}</fieldset>
<fieldset><legend>How did you contact them?</legend>{channels}</fieldset>
<fieldset><legend>How many and when</legend>
<label class="field" for="count">How many, to each official, each way</label>
<input type="number" id="count" name="count" min="1" max="1000" step="1" required
 inputmode="numeric" value="{escape(count)}">
<label class="field" for="action_date">On what day?</label>
<input type="date" id="action_date" name="action_date" required max="{latest}"
 value="{escape(day)}">
</fieldset>
<fieldset><legend>Your email (optional)</legend>
<label class="field" for="email">Email</label>
<input type="email" id="email" name="email" autocomplete="email" maxlength="320"
 aria-describedby="email-hint" value="{escape(email)}">
<p class="hint" id="email-hint">We do not keep your email: only a keyed hash of it, so that
the same report sent twice counts once.</p>
</fieldset>
<div class="hp" aria-hidden="true"><label for="{HONEYPOT}">Leave this empty</label>
<input type="text" id="{HONEYPOT}" name="{HONEYPOT}" tabindex="-1" autocomplete="off"></div>
<button type="submit">Send my report</button>
</form>"""


def _list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _thanks(
    case: FormCase,
    taken: Taken,
    total: int,
    targets: Sequence[str],
    channels: Sequence[str],
    values: dict[str, str],
) -> str:
    names = {str(t.id): t.name for t in case.targets}
    whom = " and ".join(names.get(t, t) for t in dict.fromkeys(targets))
    count = int(values["count"])
    how = " and ".join(plural(count, *ACTION_NOUNS.get(c, (c, c))) for c in dict.fromkeys(channels))
    day = long_date(date.fromisoformat(values["action_date"]))
    if taken.added:
        said = f"We added {plural(taken.actions, 'action')}"
        lead = f"{said}: {escape(how)} to {escape(whom)}, on {escape(day)}."
    else:
        lead = "We had this report already, so it was counted once."
    email = values.get("email", "").strip()
    counted = (
        f'<p class="hint">Counted once for {escape(email)} (we keep only a hash of it).</p>'
        if email
        else ""
    )
    return f"""<div class="done" role="status"><p><strong>Thank you!</strong> {lead}</p></div>
{counted}
<p class="total">{total:,} actions reported for {escape(case.label)} so far.</p>
<p><a href="/report/{escape(case.ref)}">Report another action</a></p>"""
