"""Where uadash finds its settings: environment first, then `.streamlit/secrets.toml`.

Kept free of Streamlit so that the command line and the tests read the same settings as the
app. Every setting has a default that makes a local demo work with nothing configured.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DATA_DIR = Path("data")
SECRETS_FILE = Path(".streamlit") / "secrets.toml"


class ConfigError(ValueError):
    """A setting is present but unusable; the message names the setting."""


def _secrets(path: Path = SECRETS_FILE) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from error


def _setting(name: str, secrets_key: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    found = _secrets().get(secrets_key)
    return str(found) if found else None


def default_database_url() -> str:
    return f"sqlite:///{(DATA_DIR / 'uadash.db').resolve()}"


def database_url() -> str:
    """`UADASH_DATABASE_URL`, else `database_url` in secrets.toml, else the SQLite file."""
    url = _setting("UADASH_DATABASE_URL", "database_url") or default_database_url()
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver we ship; plain URLs would make SQLAlchemy look for psycopg2.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def timezone() -> ZoneInfo:
    """The organisation's time zone: it decides what "today" and "days left" mean."""
    name = _setting("UADASH_TIMEZONE", "timezone") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"UADASH_TIMEZONE: unknown time zone {name!r}") from error


def today(*, now: datetime | None = None) -> date:
    """The date in the organisation's time zone at `now` (default: this instant).

    `UADASH_TODAY` pins it, for demos and tests.
    """
    pinned = os.environ.get("UADASH_TODAY")
    if pinned and now is None:
        try:
            return date.fromisoformat(pinned)
        except ValueError as error:
            raise ConfigError(f"UADASH_TODAY: {pinned!r} is not a date (YYYY-MM-DD)") from error
    return (now or datetime.now(UTC)).astimezone(timezone()).date()


def cases_dir() -> Path:
    return Path(_setting("UADASH_CASES_DIR", "cases_dir") or DATA_DIR / "cases")


_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off"}


def require_sign_in() -> bool:
    """Whether viewing needs a signed-in person too (editing always does). Default: no, so
    that the local demo opens straight away."""
    value = _setting("UADASH_REQUIRE_SIGN_IN", "require_sign_in")
    if value is None or value.strip().lower() in _NO:
        return False
    if value.strip().lower() in _YES:
        return True
    raise ConfigError(f"UADASH_REQUIRE_SIGN_IN: {value!r} is not yes or no (true/false, 1/0)")


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(text: str, *, setting: str) -> timedelta:
    """`"90m"`, `"12h"`, `"30d"` (or a number of seconds) as a timedelta; at least a minute."""
    value = text.strip().lower()
    unit = _UNITS.get(value[-1:])
    number = value[:-1] if unit else value
    try:
        amount = float(number) * (unit or 1)
    except ValueError:
        raise ConfigError(
            f"{setting}: {text!r} is not a duration (a number with s, m, h or d, e.g. 12h)"
        ) from None
    if not amount >= 60:
        raise ConfigError(f"{setting}: {text!r} is shorter than a minute")
    return timedelta(seconds=amount)


def session_idle_timeout() -> timedelta:
    """How long a browser stays signed in without a click (default: 2 days)."""
    value = _setting("UADASH_SESSION_IDLE", "session_idle")
    return duration(value, setting="UADASH_SESSION_IDLE") if value else timedelta(days=2)


def session_lifetime() -> timedelta:
    """How long a sign-in lasts at most, however busy (default: 30 days)."""
    value = _setting("UADASH_SESSION_LIFETIME", "session_lifetime")
    return duration(value, setting="UADASH_SESSION_LIFETIME") if value else timedelta(days=30)


REPORTER_KEY_MIN_LENGTH = 32


def reporter_key() -> bytes | None:
    """The secret that reporter emails are hashed with (`UADASH_REPORTER_KEY`, else
    `reporter_key` in secrets.toml), or None when none is set: there is no default, because
    a key everybody knows would let anyone with the database test guessed emails against it."""
    value = _setting("UADASH_REPORTER_KEY", "reporter_key")
    if value is None:
        return None
    if len(value.strip()) < REPORTER_KEY_MIN_LENGTH:
        raise ConfigError(
            f"UADASH_REPORTER_KEY: the reporter key is {len(value.strip())} characters long; "
            f"use at least {REPORTER_KEY_MIN_LENGTH} random ones "
            "(python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return value.strip().encode("utf-8")


def create_local_reporter_key(path: Path = SECRETS_FILE) -> str:
    """Write a new random reporter key at the top of `path` (created with mode 0600 if
    missing) and return it. For a first local run only: every replica of a deployment must
    share one key, so a deployment sets it once, in its secrets."""
    key = secrets.token_hex(32)
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    line = (
        "# Reporter emails are stored only as a hash keyed with this. Keep it, and back it up\n"
        "# with the database: a different key makes every earlier reporter look new.\n"
        f'reporter_key = "{key}"\n'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # At the top: appended after a [table] header, the key would land inside that table.
    path.write_text(line + ("\n" + existing if existing else ""), encoding="utf-8")
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Rate:
    """At most `count` requests in any `seconds`; written "20/600"."""

    count: int
    seconds: float


def _rate(name: str, secrets_key: str, default: str) -> Rate:
    value = _setting(name, secrets_key) or default
    try:
        count, seconds = value.split("/")
        rate = Rate(int(count), float(seconds))
    except ValueError:
        raise ConfigError(f"{name}: {value!r} is not a rate such as 20/600") from None
    if rate.count < 1 or rate.seconds <= 0:
        raise ConfigError(f"{name}: {value!r} is not a rate such as 20/600")
    return rate


def form_rate_per_address() -> Rate:
    """Report form posts one client address may send (default 20 in 10 minutes)."""
    return _rate("UADASH_FORM_RATE_PER_ADDRESS", "form_rate_per_address", "20/600")


def form_rate_per_case() -> Rate:
    """Report form posts one case takes from everyone together, per server process (default
    30,000 a minute: a big mailing's rush fits, a flood does not)."""
    return _rate("UADASH_FORM_RATE_PER_CASE", "form_rate_per_case", "30000/60")


def trusted_proxies() -> frozenset[str]:
    """Addresses of reverse proxies whose X-Forwarded-For names the real client (none)."""
    value = _setting("UADASH_TRUSTED_PROXIES", "trusted_proxies") or ""
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def form_frame_ancestors() -> str:
    """Who may show the report form in an iframe: a CSP frame-ancestors list (default any)."""
    return _setting("UADASH_FORM_FRAME_ANCESTORS", "form_frame_ancestors") or "*"


_PROCESS_SECRET = secrets.token_bytes(32)


def form_secret() -> bytes:
    """The key the report form signs its tokens with: `UADASH_FORM_SECRET`, else one derived
    from the reporter key, else one random per process (fine for a single server only)."""
    value = _setting("UADASH_FORM_SECRET", "form_secret")
    if value:
        return value.encode("utf-8")
    key = reporter_key()
    if key is not None:
        return hashlib.sha256(b"uadash report form\x00" + key).digest()
    return _PROCESS_SECRET


@dataclass(frozen=True)
class Settings:
    database_url: str
    cases_dir: Path


def load() -> Settings:
    return Settings(database_url=database_url(), cases_dir=cases_dir())
