"""Staff authentication: who a request comes from, and the checks every protected endpoint makes."""
from server.auth.identity import StaffUser, require_staff, staff_from_request

__all__ = ["StaffUser", "require_staff", "staff_from_request"]
