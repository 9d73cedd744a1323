"""A small subsequence fuzzy matcher for feature search (catalog and panel)."""

from __future__ import annotations

from collections.abc import Iterable


def fuzzy_score(query: str, text: str) -> float | None:
    """Score how well `query` matches `text` as a case-insensitive subsequence.

    Returns None when the letters of `query` (spaces ignored) do not all occur in order in
    `text`. Higher is better: consecutive letters, letters at word starts and a match at the
    very start earn bonuses, and longer texts lose a little so "joy" ranks above "joyless
    and grey". An empty query matches everything with score 0.
    """
    q = "".join(query.lower().split())
    if not q:
        return 0.0
    t = text.lower()
    score = 0.0
    pos = 0
    prev = -2
    for ch in q:
        found = t.find(ch, pos)
        if found < 0:
            return None
        score += 1.0
        if found == prev + 1:
            score += 2.0  # runs of letters matter most: "sea" in "seaside"
        if found == 0 or not t[found - 1].isalnum():
            score += 1.5  # word starts: "gg" in "golden gate"
        prev = found
        pos = found + 1
    if t.startswith(q):
        score += 3.0
    return score - 0.01 * len(t)


def fuzzy_rank(query: str, items: Iterable[tuple[str, str]], limit: int | None = None) -> list[str]:
    """Rank `(key, text)` pairs by `fuzzy_score(query, text)`; returns matching keys, best first.

    Ties keep the order of `items`.
    """
    scored: list[tuple[float, int, str]] = []
    for i, (key, text) in enumerate(items):
        s = fuzzy_score(query, text)
        if s is not None:
            scored.append((-s, i, key))
    scored.sort()
    keys = [key for _, _, key in scored]
    return keys if limit is None else keys[:limit]
