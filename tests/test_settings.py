"""Settings are data: each is read from the environment and listed in the README."""
from pathlib import Path

import pytest

from server import settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_every_setting_with_its_default() -> None:
    text = README.read_text(encoding="utf-8")
    for s in settings.SETTINGS:
        row = next((line for line in text.splitlines() if f"`{s.env}`" in line), None)
        assert row is not None, f"README does not list {s.env}"
        assert f"`{s.default}`" in row or (s.default == "" and "（空）" in row), f"README row for {s.env} lacks default"


def test_environment_overrides_defaults() -> None:
    config = settings.load({"MASHANGBAN_SSE_PING_S": "3", "MASHANGBAN_BASE_URL": "https://x.cn/"})
    assert config.sse_ping_s == 3 and config.base_url == "https://x.cn"
    assert settings.load({}).sse_ping_s == 15


def test_bad_values_are_refused_clearly() -> None:
    with pytest.raises(ValueError):
        settings.load({"MASHANGBAN_SSE_PING_S": "soon"})
    with pytest.raises(KeyError):
        settings.load({}).replace(no_such_setting=1)
