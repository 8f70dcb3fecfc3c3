"""Who is acting, and what they may do. Every write in the domain names its actor and
checks the role here, whatever the page showed: a viewer's session is refused."""

from __future__ import annotations

from dataclasses import dataclass

from uadash.vocab import Role


class PermissionDenied(PermissionError):
    """The actor's role does not allow the action; the message says which role would."""


@dataclass(frozen=True)
class Actor:
    """A signed-in person (or the anonymous viewer) as the domain sees them."""

    identity: str  # an email address, or "anonymous"
    role: Role
    name: str | None = None

    @property
    def label(self) -> str:
        """How audit trails and messages name them."""
        return self.name or self.identity

    def may(self, role: Role) -> bool:
        return self.role.rank >= role.rank


ANONYMOUS = Actor(identity="anonymous", role=Role.viewer)
SYSTEM = Actor(identity="uadash", role=Role.admin, name="uadash (command line)")


def require(actor: Actor, role: Role, *, to: str) -> None:
    """Refuse unless `actor` holds `role` or more: `require(actor, Role.editor, to="edit")`."""
    if not actor.may(role):
        raise PermissionDenied(
            f"{actor.label} is signed in as {actor.role.value}; only an {role.value} may {to}."
        )
