"""Merge suggestions (``server/similar.py``): the invariants a list of examples cannot show."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from server import similar

BASE = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)
WORDS = st.text(st.sampled_from(list("路灯不亮井盖丢失噪音扰民垃圾堆积楼道杂物12 3，。！AbC")), max_size=30)


def _at(hours: float) -> str:
    return (BASE + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


candidates = st.builds(
    lambda i, site, category, hours, text: {"id": f"c{i}", "site": site, "category": category,
                                            "created_at": _at(hours), "description": text},
    st.integers(0, 10**6), st.sampled_from(["S1", "S2", "S3"]), st.sampled_from(["env", "noise", "help"]),
    st.floats(-720, 720, allow_nan=False), WORDS)


@given(case=candidates, others=st.lists(candidates, max_size=12, unique_by=lambda c: c["id"]),
       copy=st.fixed_dictionaries({"id": st.just("identical"), "site": st.sampled_from(["S1", "S2", "S3"]),
                                   "category": st.sampled_from(["env", "noise", "help"]),
                                   "hours": st.floats(-720, 720, allow_nan=False)}))
def test_an_identical_report_comes_first(case: dict[str, Any], others: list[dict[str, Any]],
                                         copy: dict[str, Any]) -> None:
    if not similar.normalise(case["description"]):
        return
    twin = {"id": "identical", "site": copy["site"], "category": copy["category"],
            "created_at": _at(copy["hours"]), "description": f" {case['description'].upper()}！ "}
    others = [o for o in others if similar.normalise(o["description"]) != similar.normalise(case["description"])]
    ranked = similar.rank(case, [*others, twin], limit=50)
    assert ranked[0][0]["id"] == "identical"
    assert ranked[0][1].identical and ranked[0][1].text == 1.0


@given(case=candidates, other=candidates)
def test_sharing_more_never_makes_a_report_less_likely(case: dict[str, Any], other: dict[str, Any]) -> None:
    base = similar.likeness(case, other).score
    same_site = similar.likeness(case, {**other, "site": case["site"]}).score
    same_category = similar.likeness(case, {**other, "category": case["category"]}).score
    same_time = similar.likeness(case, {**other, "created_at": case["created_at"]}).score
    same_text = similar.likeness(case, {**other, "description": case["description"]}).score
    assert min(same_site, same_category, same_time, same_text) >= base - 1e-9
    assert 0.0 <= base <= 1.0 + 1e-9


@given(a=WORDS, b=WORDS)
def test_text_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    forward, backward = similar.text_similarity(a, b), similar.text_similarity(b, a)
    assert forward == backward and 0.0 <= forward <= 1.0
    if similar.normalise(a):
        assert similar.text_similarity(a, a) == 1.0


def test_shared_words_in_another_order_still_look_alike() -> None:
    assert similar.text_similarity("路灯不亮，3号楼门口", "3 号楼门口的路灯不亮") > 0.7
    assert similar.text_similarity("路灯不亮", "楼道堆放杂物") == 0.0
