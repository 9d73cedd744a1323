"""TOML files read at start-up (theme, config), parsed once and then kept as marshal data.

Importing `tomllib` and parsing a theme costs a few milliseconds of every start on a slow
machine; `marshal.loads` of the same data costs microseconds. The cache lives under
`$XDG_CACHE_HOME/tinymorph/toml/`, one file per source, keyed on the source's bytes (length
and CRC: an mtime can stay put across a quick rewrite), its path, the Python version
(marshal's format) and this module's format number. A stale, corrupt or unwritable cache
is never an error: the file is parsed as if there were none.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from pathlib import Path
from typing import Any

#: Bump when the cached shape changes.
_FORMAT = 1


def _cache_file(path: Path) -> Path:
    from tinymorph_tui.state.paths import cache_dir

    return cache_dir() / "toml" / f"{zlib.crc32(str(path).encode('utf-8', 'surrogateescape')):08x}.marshal"


def loads_cached(path: Path, data: bytes) -> dict[str, Any]:
    """The TOML document `data` (the bytes of `path`), from the cache when it matches.

    Raises `ValueError` (`tomllib.TOMLDecodeError` or `UnicodeDecodeError`) for a bad file,
    exactly as parsing it would.
    """
    import marshal

    key = (_FORMAT, sys.hexversion, str(path), len(data), zlib.crc32(data))
    cache = _cache_file(path)
    try:
        stored_key, parsed = marshal.loads(cache.read_bytes())
        if stored_key == key and isinstance(parsed, dict):
            return parsed
    except Exception:  # missing, truncated or of another shape: parse the file instead
        pass
    import tomllib

    parsed = tomllib.loads(data.decode("utf-8"))
    _store(cache, key, parsed)
    return parsed


def load_cached(path: Path) -> dict[str, Any]:
    """`loads_cached` of the file at `path` (raises `OSError` when it cannot be read)."""
    return loads_cached(path, path.read_bytes())


def _store(cache: Path, key: tuple[Any, ...], parsed: dict[str, Any]) -> None:
    """Write the cache atomically; never raises (the cache is only a speed-up)."""
    import marshal

    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        # TOML dates and times are not marshal types: such a file is simply not cached.
        blob = marshal.dumps((key, parsed))
        cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp.write_bytes(blob)
        os.replace(tmp, cache)  # a reader sees the old cache or the new one, never half
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            tmp.unlink()
