"""Storage: every query of the application, over SQLite (the default) or PostgreSQL; see ``db.py``."""
from server.storage.db import Database, Tx, database

__all__ = ["Database", "Tx", "database"]
