"""`tinymorph stats`: summarise the hint log kept in the state database."""

from __future__ import annotations

import argparse
import json

from tinymorph_tui.state.store import open_store


def configure(parser: argparse.ArgumentParser) -> None:
    """Add `tinymorph stats` options."""
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _bar(fraction: float, width: int = 24) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def run(args: argparse.Namespace) -> int:
    """Print counts, acceptance rate, latency and what steering accepted hints used."""
    store, warnings = open_store()
    if store is None:
        print(f"tinymorph: {warnings[0]}")
        return 2
    stats = store.hint_stats()
    if args.json:
        print(json.dumps({**stats._asdict(), "acceptance_rate": stats.acceptance_rate}, indent=2))
        return 0
    from rich.console import Console  # deferred: only this command draws

    console = Console()
    for warning in warnings:
        console.print(f"[yellow]{warning}[/]")
    if not stats.shown:
        console.print("No hints logged yet: hints shown in the editor are counted here.")
        return 0
    console.print(f"hints shown     {stats.shown}")
    console.print(
        f"accepted        {stats.accepted}  {_bar(stats.acceptance_rate)} "
        f"{stats.acceptance_rate:.0%}"
    )
    console.print(f"dismissed       {stats.dismissed}")
    console.print(f"chars accepted  {stats.accepted_chars}")
    if stats.median_latency_ms is not None:
        console.print(f"median latency  {stats.median_latency_ms:.0f} ms to first text")
    if stats.by_steering:
        console.print("\naccepted by steering")
        top = max(stats.by_steering.values())
        for label, count in sorted(stats.by_steering.items(), key=lambda kv: -kv[1]):
            console.print(f"  {label:<28} {_bar(count / top, 16)} {count}")
    return 0
