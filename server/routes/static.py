"""Static files of the server's own pages (``/static/``)."""
from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

routes = [Mount("/static", app=StaticFiles(directory=Path(__file__).resolve().parent.parent / "static"), name="static")]
