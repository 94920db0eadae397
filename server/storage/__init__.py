"""Storage: one SQLite database in WAL mode; one connection owns every write."""
from server.storage.db import Database

__all__ = ["Database"]
