"""Who may follow which events: staff choose filters, and field staff are held to their own team's cases."""
from __future__ import annotations

from server.auth import StaffUser
from server.errors import ApiError
from server.events.hub import Filter


def staff_filter(staff: StaffUser, site: str | None, community: str | None, team: str | None) -> Filter:
    """The filter a staff stream runs with. Field staff see only their team's cases (enforced here, not by
    the client): asking for another team is refused, and asking for none means their own."""
    if staff.role == "field":
        if staff.team is None:
            raise ApiError(403, "no_team", "您尚未加入任何处置队伍，暂无可查看的案件动态")
        if team is not None and team != staff.team:
            raise ApiError(403, "forbidden", "只能查看本队伍的案件动态", field="team")
        team = staff.team
    return Filter(site=site, community=community, team=team)
