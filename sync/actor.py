"""Who is pushing or pulling: a resident's browser, a kiosk, a signed-in member of staff on a device, or another
system that creates cases through the engine (an Open311 API key, the 12345 hotline import)."""
from __future__ import annotations

from dataclasses import dataclass

# Kinds of actor (not client kinds: a staff actor's client is a 'field' phone or a 'console').
RESIDENT = "resident"
KIOSK = "kiosk"
STAFF = "staff"
INTEGRATION = "integration"


@dataclass(frozen=True)
class Actor:
    """The caller as the sync engine sees it; built by the HTTP layer from a session, device token or client id."""

    kind: str  # RESIDENT, KIOSK, STAFF or INTEGRATION
    client_id: str
    user_id: int | None = None
    username: str | None = None
    role: str | None = None  # staff only: one of sync.names.ROLES
    team: str | None = None
    site: str | None = None  # kiosk only: the site it is bound to
    device_id: int | None = None
    channel: str | None = None  # integration only: the channel it stands for (open311, 12345)

    @property
    def is_staff(self) -> bool:
        return self.kind == STAFF

    def log_entry(self) -> dict[str, object]:
        """How the actor is recorded in an event (the audit trail): who, in which role, from which device."""
        entry: dict[str, object] = {"kind": self.kind, "user": self.username, "user_id": self.user_id,
                                    "role": self.role, "client_id": self.client_id, "device_id": self.device_id}
        if self.channel is not None:
            entry["channel"] = self.channel
        return entry
