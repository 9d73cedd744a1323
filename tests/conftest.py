"""Shared fixtures: isolated XDG folders, the tiny random model, the real test model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_xdg(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the developer's real config, data, state or cache."""
    root = tmp_path_factory.mktemp("xdg")
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        folder = root / name.lower()
        folder.mkdir()
        monkeypatch.setenv(f"XDG_{name}_HOME", str(folder))
    for var in ("TINYMORPH_MODEL", "TINYMORPH_SERVER", "TINYMORPH_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    # Run every test in a scratch folder: a fuzzed `:w NAME` or a relative save must never
    # land in the checkout. Tests reach repository files through Path(__file__).
    work = root / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight llama GGUF (4 layers, n_embd 64), written once per session."""
    from tinymorph_tui.testing.tiny_gguf import write_tiny_llama

    return write_tiny_llama(tmp_path_factory.mktemp("models") / "tiny.gguf")


@pytest.fixture(scope="session")
def real_model_path() -> Path:
    """The real stories260K model from TINYMORPH_TEST_MODEL; skips when unset."""
    value = os.environ.get("TINYMORPH_TEST_MODEL")
    if not value or not Path(value).is_file():
        pytest.skip("TINYMORPH_TEST_MODEL is not set (CI sets it to stories260K.gguf)")
    return Path(value)


@pytest.fixture(scope="session", autouse=True)
def _no_stray_files_in_the_repo() -> object:
    """Fail the run if a test writes into the repository root (e.g. a fuzzed `:w NAME`)."""
    root = Path(__file__).resolve().parent.parent
    before = set(os.listdir(root))
    yield
    stray = sorted(set(os.listdir(root)) - before)
    assert not stray, f"tests wrote files into {root}: {stray[:10]}"
