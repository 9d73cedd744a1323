"""Files read at every start (the default keymap, the theme, hint keys, config.toml), parsed
once and then kept as marshal data under `$XDG_CACHE_HOME/tinymorph/`.

Importing `tomllib` and parsing a theme costs a few milliseconds of every start on a slow
machine; `marshal.loads` of the same data costs microseconds. Each cache file holds a key
and a value: the key names everything the value was made from (the source's bytes by
length and CRC, since an mtime can stay put across a quick rewrite; its path; the Python
version, which fixes marshal's format; a format number), and a value is only used when its
key matches exactly. A missing, stale, corrupt or unwritable cache is never an error: the
source is parsed as if there were none.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from pathlib import Path
from typing import Any

from tinymorph_tui.state.paths import cache_dir

#: Bump when the shape of what is cached changes.
_FORMAT = 1


def read(cache: Path, key: tuple[Any, ...]) -> Any:
    """The value stored in `cache` under `key`, or None (missing, stale or corrupt)."""
    import marshal

    try:
        stored_key, value = marshal.loads(cache.read_bytes())
    except Exception:  # missing, truncated or of another shape: rebuilt from the source
        return None
    return value if stored_key == key else None


def write(cache: Path, key: tuple[Any, ...], value: Any) -> None:
    """Store `value` under `key` atomically; never raises (a cache is only a speed-up)."""
    import marshal

    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        # Values that are not marshal types (TOML dates) are simply not cached.
        blob = marshal.dumps((key, value))
        cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp.write_bytes(blob)
        os.replace(tmp, cache)  # a reader sees the old cache or the new one, never half
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            tmp.unlink()


def source_key(path: Path, data: bytes, *extra: Any) -> tuple[Any, ...]:
    """A key for what was made from `data` (the bytes of `path`) and `extra`."""
    return (_FORMAT, sys.hexversion, str(path), len(data), zlib.crc32(data), *extra)


def loads_toml(path: Path, data: bytes) -> dict[str, Any]:
    """The TOML document `data` (the bytes of `path`), from the cache when it matches.

    Raises `ValueError` (`tomllib.TOMLDecodeError` or `UnicodeDecodeError`) for a bad file,
    exactly as parsing it would.
    """
    name = f"{zlib.crc32(str(path).encode('utf-8', 'surrogateescape')):08x}.marshal"
    cache = cache_dir() / "toml" / name
    key = source_key(path, data)
    parsed = read(cache, key)
    if isinstance(parsed, dict):
        return parsed
    import tomllib

    parsed = tomllib.loads(data.decode("utf-8"))
    write(cache, key, parsed)
    return parsed


def load_toml(path: Path) -> dict[str, Any]:
    """`loads_toml` of the file at `path` (raises `OSError` when it cannot be read)."""
    return loads_toml(path, path.read_bytes())
