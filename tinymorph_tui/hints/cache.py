"""An LRU cache of finished hints, keyed by the context they continue.

The key is the tail of the text before the cursor, the head of the text after it and the
steering, which is what the model mostly sees: returning to a context (undo, backspace,
accepting a hint whose continuation was prefetched) shows its hint at once, and a hint made
under other steering is never shown for this one.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Characters of the text before the cursor that identify a context.
PREFIX_KEY_CHARS = 256
#: Characters of the text after the cursor that identify a context.
SUFFIX_KEY_CHARS = 64
#: Characters of the prefix in the secondary index used by typed-through lookups.
_SHORT_KEY_CHARS = 24

SteeringKey = tuple[tuple[str, float], ...]
CacheKey = tuple[str, str, SteeringKey]


def steering_key(steering: Mapping[str, float] | None) -> SteeringKey:
    """A hashable, order-independent form of a steering mix (zero scales dropped)."""
    if not steering:
        return ()
    return tuple(sorted((name, round(float(v), 4)) for name, v in steering.items() if v))


def tail_key(prefix: str, end: int | None = None) -> str:
    """The key part for `prefix[:end]`, sliced without copying the whole prefix."""
    stop = len(prefix) if end is None else end
    return prefix[max(0, stop - PREFIX_KEY_CHARS) : stop]


def context_key(prefix: str, suffix: str, steering: SteeringKey) -> CacheKey:
    """The cache key of a context."""
    return (tail_key(prefix), suffix[:SUFFIX_KEY_CHARS], steering)


@dataclass
class CacheEntry:
    """The hints known for one context: `texts[0]` first, then alternatives in order.

    `attempts` counts requests made for alternatives (also those that came back empty), so
    every new alternative is asked for with a seed not used before.
    """

    texts: list[str]
    attempts: int = field(default=0)


class HintCache:
    """Least-recently-used map from `CacheKey` to `CacheEntry`."""

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = max(0, capacity)
        self._entries: OrderedDict[CacheKey, CacheEntry] = OrderedDict()
        # For typed-through lookups, which try every earlier end of the prefix on each key:
        # a short key per entry and the first characters of the hints, so most candidate
        # positions are rejected by one set test instead of slicing and hashing 256 chars.
        self._short: dict[tuple[str, str, SteeringKey], list[CacheKey]] = {}
        self._first_chars: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: CacheKey) -> CacheEntry | None:
        """The entry for `key`, marked most recently used."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: CacheKey, text: str) -> CacheEntry:
        """Store `text` as the first hint of `key`, keeping known alternatives after it."""
        entry = self._entries.get(key)
        if entry is None:
            entry = CacheEntry([text])
            self._add(key, entry)
        else:
            before = self._first(entry)
            if text in entry.texts:
                entry.texts.remove(text)
            entry.texts.insert(0, text)
            self._recount(before, self._first(entry))
        self._entries.move_to_end(key)
        self._trim()
        return entry

    def add_alternative(self, key: CacheKey, text: str) -> int:
        """Append an alternative for `key`; returns its index (an existing one if a repeat)."""
        entry = self._entries.get(key)
        if entry is None:
            entry = CacheEntry([])
            self._add(key, entry)
        if text in entry.texts:
            index = entry.texts.index(text)
        else:
            before = self._first(entry)
            entry.texts.append(text)
            self._recount(before, self._first(entry))
            index = len(entry.texts) - 1
        self._entries.move_to_end(key)
        self._trim()
        return index

    def lookup(
        self, prefix: str, suffix: str, steering: SteeringKey, *, lookback: int = 0
    ) -> tuple[CacheKey, CacheEntry, int] | None:
        """Find a hint for the context, also one that was partly typed through.

        Tries the exact context first, then contexts ending 1..`lookback` characters earlier
        whose first hint starts with (and goes on after) the characters typed since. Returns
        (key, entry, typed) where `typed` is how many characters of `entry.texts[0]` are
        already typed.
        """
        head = suffix[:SUFFIX_KEY_CHARS]
        key = (tail_key(prefix), head, steering)
        entry = self.get(key)
        if entry is not None:
            return key, entry, 0
        n = len(prefix)
        firsts = self._first_chars
        if not firsts:
            return None
        for back in range(1, min(lookback, n) + 1):
            end = n - back
            if not firsts.get(prefix[end]):
                continue
            keys = self._short.get((prefix[max(0, end - _SHORT_KEY_CHARS) : end], head, steering))
            if not keys:
                continue
            typed = prefix[end:]
            for key in keys:
                entry = self._entries.get(key)
                if (
                    entry is not None
                    and entry.texts
                    and len(entry.texts[0]) > back
                    and entry.texts[0].startswith(typed)
                    and key[0] == tail_key(prefix, end)
                ):
                    self._entries.move_to_end(key)
                    return key, entry, back
        return None

    def clear(self) -> None:
        """Forget everything (a new model makes every stored hint meaningless)."""
        self._entries.clear()
        self._short.clear()
        self._first_chars.clear()

    def _add(self, key: CacheKey, entry: CacheEntry) -> None:
        self._entries[key] = entry
        self._short.setdefault(_short_key(key), []).append(key)
        self._recount(None, self._first(entry))

    def _drop(self, key: CacheKey, entry: CacheEntry) -> None:
        short = _short_key(key)
        keys = self._short.get(short)
        if keys is not None:
            keys.remove(key)
            if not keys:
                del self._short[short]
        self._recount(self._first(entry), None)

    @staticmethod
    def _first(entry: CacheEntry) -> str | None:
        return entry.texts[0][:1] if entry.texts else None

    def _recount(self, before: str | None, after: str | None) -> None:
        """Keep `_first_chars` counting the first character of every entry's first hint."""
        if before == after:
            return
        if before is not None:
            self._first_chars[before] -= 1
            if self._first_chars[before] <= 0:
                del self._first_chars[before]
        if after is not None:
            self._first_chars[after] += 1

    def _trim(self) -> None:
        while len(self._entries) > self.capacity:
            key, entry = self._entries.popitem(last=False)
            self._drop(key, entry)


def _short_key(key: CacheKey) -> tuple[str, str, SteeringKey]:
    return (key[0][-_SHORT_KEY_CHARS:], key[1], key[2])
