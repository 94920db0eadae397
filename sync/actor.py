"""Who is pushing or pulling: a resident's browser, a kiosk, or a signed-in member of staff on a device."""
from __future__ import annotations

from dataclasses import dataclass

# Kinds of actor (not client kinds: a staff actor's client is a 'field' phone or a 'console').
RESIDENT = "resident"
KIOSK = "kiosk"
STAFF = "staff"


@dataclass(frozen=True)
class Actor:
    """The caller as the sync engine sees it; built by the HTTP layer from a session, device token or client id."""

    kind: str  # RESIDENT, KIOSK or STAFF
    client_id: str
    user_id: int | None = None
    username: str | None = None
    role: str | None = None  # staff only: one of sync.names.ROLES
    team: str | None = None
    site: str | None = None  # kiosk only: the site it is bound to
    device_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind == STAFF

    def log_entry(self) -> dict[str, object]:
        """How the actor is recorded in an event (the audit trail): who, in which role, from which device."""
        return {"kind": self.kind, "user": self.username, "user_id": self.user_id, "role": self.role,
                "client_id": self.client_id, "device_id": self.device_id}
