"""The Python and JS lists of protocol names agree."""
import json
import subprocess
from pathlib import Path

from sync import names

ROOT = Path(__file__).resolve().parent.parent


def test_js_names_match_python() -> None:
    module = (ROOT / "sync" / "client" / "names.js").as_uri()
    script = f"import * as n from {json.dumps(module)}; console.log(JSON.stringify(n));"
    out = subprocess.run(["node", "--input-type=module", "-e", script], check=True, capture_output=True, text=True)
    js = json.loads(out.stdout)
    for name in ("MUTATIONS", "STATUSES", "RESULTS", "SCALAR_FIELDS", "PRIORITIES", "RATINGS", "CHANNELS",
                 "CLIENT_KINDS", "ERRORS", "CONFLICT", "EVENTS",
                 "ROLES"):
        py = getattr(names, name)
        assert js[name] == (list(py) if isinstance(py, tuple) else py), name
