"""Developer tool: differential run of the engine against real Vim.

    .venv/bin/python tests/run_vim_diff.py --n 500 --seed 1 [--save tests/data/vim_corpus.json]
    .venv/bin/python tests/run_vim_diff.py --replay tests/data/vim_corpus.json

Prints each mismatch (start text, cursor, keys, Vim's and the engine's result) and the pass
rate (text + cursor + mode all equal).  `--save` stores Vim's results as a corpus; tests/data/engine_vim_corpus.json.gz (gzipped)
is what `test_engine_vim.py::test_recorded_corpus` replays without needing vim.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import traceback
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vim_cases import ex_case, focus_case, random_case, realistic_case  # noqa: E402
from vim_oracle import CORPUS_OPTIONS, run_engine, run_vim  # noqa: E402


def _vim_job(case: tuple[str, tuple[int, int], str]) -> dict | None:
    text, cur, keys = case
    try:
        v = run_vim(text, cur, keys, dict(CORPUS_OPTIONS))
    except Exception as exc:  # a vim hiccup: skip the case
        print("vim failed:", exc, file=sys.stderr)
        return None
    return {"text": text, "cursor": list(cur), "keys": keys,
            "expect": {"text": v.text, "cursor": list(v.cursor), "mode": v.mode}}


def compare(case: dict) -> tuple[bool, str]:
    """Run the engine on a stored case; (passed, description)."""
    try:
        e = run_engine(case["text"], tuple(case["cursor"]), case["keys"], dict(CORPUS_OPTIONS))
    except Exception:
        return False, "EXCEPTION\n" + traceback.format_exc()
    exp = {k: case["expect"][k] for k in ("text", "cursor", "mode")}
    got = {"text": e.text, "cursor": list(e.cursor), "mode": e.mode}
    ok = got == exp
    if ok:
        return True, ""
    desc = []
    for k in ("text", "cursor", "mode"):
        if got[k] != exp[k]:
            desc.append(f"  {k}: vim={exp[k]!r}\n  {' ' * len(k)}  eng={got[k]!r}")
    return False, "\n".join(desc)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save")
    ap.add_argument("--replay")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--realistic", action="store_true", help="prose + common commands")
    ap.add_argument("--focus", action="store_true", help="visual/block/replace/dot/marks corners")
    ap.add_argument("--ex", action="store_true", help="ex commands")
    args = ap.parse_args()
    if args.replay:
        if args.replay.endswith(".gz"):
            import gzip

            with gzip.open(args.replay, "rt", encoding="utf-8") as fh:
                cases = json.load(fh)
        else:
            cases = json.loads(Path(args.replay).read_text())
    else:
        rng = random.Random(args.seed)
        gen = (ex_case if args.ex else focus_case if args.focus
               else realistic_case if args.realistic else random_case)
        raw = [gen(rng) for _ in range(args.n)]
        with Pool(2) as pool:
            cases = [c for c in pool.map(_vim_job, raw, chunksize=4) if c is not None]
        if args.save:
            Path(args.save).parent.mkdir(parents=True, exist_ok=True)
            Path(args.save).write_text(json.dumps(cases, indent=0, ensure_ascii=False))
    fails = 0
    for case in cases:
        ok, desc = compare(case)
        if not ok:
            fails += 1
            if not args.quiet:
                print(f"--- text={case['text']!r} cursor={tuple(case['cursor'])} keys={case['keys']!r}")
                print(desc)
    n = len(cases)
    print(json.dumps({"cases": n, "passed": n - fails, "rate": round((n - fails) / max(n, 1), 4)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
