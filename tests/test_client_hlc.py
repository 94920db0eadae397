"""sync/client/hlc.js (run in Node): the protocol's format, a clock that never goes backwards, and the same
readings as the server's clock (sync/hlc.py) for any sequence of ticks and receipts."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import hlc

HLC_JS = (Path(__file__).resolve().parent.parent / "sync" / "client" / "hlc.js").as_uri()


def js(body: str) -> Any:
    """Run ``body`` (which returns a value) with hlc.js imported as ``h``; returns the value via JSON."""
    script = f"import * as h from {json.dumps(HLC_JS)};\nconst run = () => {{ {body} }};\n" \
             "console.log(JSON.stringify(run()));"
    out = subprocess.run(["node", "--input-type=module", "-e", script], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def test_format_and_parse_use_the_protocol_format() -> None:
    assert js('return h.format({ ms: 1795000000000, counter: 3 });') == "1795000000000-0003"
    assert js('return h.format({ ms: 5, counter: 0xffff });') == "0000000000005-ffff"
    assert js('return h.parse("1795000000000-00a3");') == {"ms": 1795000000000, "counter": 0xA3}


@pytest.mark.parametrize("bad", ["1795000000000-3", "179500000000-0003", "1795000000000-00A3", " 1795000000000-0003",
                                 "1795000000000-0003\n", "", "1795000000000_0003"])
def test_parse_refuses_anything_else(bad: str) -> None:
    assert js(f"try {{ h.parse({json.dumps(bad)}); return 'parsed'; }} catch (e) {{ return e.name; }}") == "SyntaxError"


def test_tick_is_strictly_increasing_even_when_the_wall_clock_goes_back() -> None:
    readings = js("""
      const walls = [1000, 1000, 1000, 999, 500, 2000, 2000, 1999];
      const out = []; let last = null;
      for (const now of walls) { last = h.tick(last, now); out.push(last); }
      return out;""")
    assert readings == ["0000000001000-0000", "0000000001000-0001", "0000000001000-0002", "0000000001000-0003",
                        "0000000001000-0004", "0000000002000-0000", "0000000002000-0001", "0000000002000-0002"]
    assert readings == sorted(readings) and len(set(readings)) == len(readings)


def test_counter_overflow_moves_to_the_next_millisecond() -> None:
    assert js('return h.tick("0000000001000-ffff", 1000);') == "0000000001001-0000"


def test_receive_orders_after_both_clocks() -> None:
    out = js("""return [
      h.receive("0000000001000-0002", "0000000005000-0007", 1000),  // remote ahead
      h.receive("0000000005000-0009", "0000000005000-0007", 1000),  // same ms, local counter higher
      h.receive("0000000001000-0002", "0000000000900-0007", 3000),  // wall clock ahead of both
      h.receive(null, "0000000005000-0007", 1000),                  // fresh clock
    ];""")
    assert out == ["0000000005000-0008", "0000000005000-000a", "0000000003000-0000", "0000000005000-0008"]


# One clock step: ("tick", wall ms) or ("receive", wall ms, remote ms, remote counter).
_WALL = st.integers(min_value=0, max_value=3000)
_STEP = st.one_of(
    st.tuples(st.just("tick"), _WALL),
    st.tuples(st.just("receive"), _WALL, st.integers(min_value=0, max_value=3000),
              st.integers(min_value=0, max_value=0xFFFF)),
)


@settings(max_examples=10, deadline=None)  # each example starts Node once (~0.3 s) for 60 runs of up to 30 steps
@given(st.lists(st.lists(_STEP, max_size=30), min_size=60, max_size=60))
def test_js_clock_agrees_with_python_clock(runs: list[list[tuple[Any, ...]]]) -> None:
    js_readings = js(f"""
      return {json.dumps(runs)}.map((steps) => {{
        let last = null;
        return steps.map(([op, now, ms, counter]) => {{
          last = op === "tick" ? h.tick(last, now) : h.receive(last, h.format({{ ms, counter }}), now);
          return last;
        }});
      }});""")
    for steps, readings in zip(runs, js_readings):
        clock = hlc.Clock()
        expected = [str(clock.tick(s[1]) if s[0] == "tick" else clock.receive(hlc.Hlc(s[2], s[3]), s[1]))
                    for s in steps]
        assert readings == expected
        assert readings == sorted(readings) and len(set(readings)) == len(readings)
