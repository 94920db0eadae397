"""Merge suggestions: which other cases a report most likely repeats, most likely first.

A duplicate is usually the same thing seen twice: reported at the same site, in the same category, close in
time, in similar words. Each of those is a number from 0 to 1 and the likelihood is their weighted sum; an
identical report (the same words once spaces, punctuation and letter case are set aside) comes before every
report that is not, whatever the rest says, because sending the same report twice is the commonest duplicate.

Text similarity is the Dice coefficient of character bigrams: Chinese has no spaces between words, and two
descriptions of one broken lamp share most of their two-character runs ("路灯", "不亮") in any word order.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from server.deadlines import parse_time

WEIGHTS = {"site": 0.3, "category": 0.2, "time": 0.2, "text": 0.3}
# Closeness in time halves every this many hours apart: two hours apart still counts for a lot, two days little.
HALF_LIFE_HOURS = 6.0


def normalise(text: str) -> str:
    """The words of ``text`` without spaces, punctuation or symbols, in one case and one width (ＡＢ → ab)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def _grams(text: str) -> Counter[str]:
    if len(text) < 2:
        return Counter(text)
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def text_similarity(a: str, b: str) -> float:
    """0 (nothing in common) to 1 (the same words): the Dice coefficient of the two texts' character bigrams."""
    x, y = _grams(normalise(a)), _grams(normalise(b))
    total = sum(x.values()) + sum(y.values())
    if total == 0:
        return 0.0
    return 2 * sum((x & y).values()) / total


def closeness(hours_apart: float) -> float:
    """1 for the same moment, halving every :data:`HALF_LIFE_HOURS`."""
    return float(0.5 ** (abs(hours_apart) / HALF_LIFE_HOURS))


@dataclass(frozen=True)
class Likeness:
    """How a candidate compares with the case, and the likelihood that it is the same matter."""

    identical: bool
    same_site: bool
    same_category: bool
    hours_apart: float
    text: float

    @property
    def score(self) -> float:
        return (WEIGHTS["site"] * self.same_site + WEIGHTS["category"] * self.same_category
                + WEIGHTS["time"] * closeness(self.hours_apart) + WEIGHTS["text"] * self.text)

    @property
    def rank(self) -> tuple[bool, float]:
        """Sort key, highest first: identical reports before all others, then by score."""
        return (self.identical, self.score)

    def as_json(self) -> dict[str, Any]:
        return {"identical": self.identical, "same_site": self.same_site, "same_category": self.same_category,
                "minutes_apart": round(abs(self.hours_apart) * 60), "text_similarity": round(self.text, 2),
                "score": round(self.score, 3)}


def likeness(case: Mapping[str, Any], other: Mapping[str, Any]) -> Likeness:
    """Compare two cases given as ``{site, category, description, created_at}`` (``created_at`` ISO)."""
    apart = (parse_time(other["created_at"]) - parse_time(case["created_at"])).total_seconds() / 3600
    same_text = normalise(case["description"]) == normalise(other["description"])
    return Likeness(identical=same_text and normalise(case["description"]) != "",
                    same_site=case["site"] == other["site"], same_category=case["category"] == other["category"],
                    hours_apart=apart, text=1.0 if same_text else text_similarity(case["description"],
                                                                                  other["description"]))


def rank(case: Mapping[str, Any], others: Iterable[Mapping[str, Any]], limit: int) -> list[tuple[Mapping[str, Any], Likeness]]:
    """The ``limit`` most likely duplicates among ``others`` (the case itself left out), most likely first; ties
    go to the newer case."""
    scored = [(other, likeness(case, other)) for other in others if other["id"] != case["id"]]
    scored.sort(key=lambda pair: (pair[1].rank, pair[0]["created_at"]), reverse=True)
    return scored[:limit]
