"""Marks and the jump list, adjusted line-wise as Vim adjusts them.

Vim's marks are (line, column) pairs that follow *line* insertions and deletions
(`mark_adjust()`), not character edits inside a line; a mark on a deleted line is gone.
`MarkStore.on_edit(event)` applies that rule to each document edit event.
"""

from __future__ import annotations

from typing import Any

Pos = tuple[int, int]


class MarkStore:
    """Named marks a-z A-Z and the special ones: [ ] < > . ^ ' \" ."""

    def __init__(self) -> None:
        self.marks: dict[str, Pos] = {}
        self.jumps: list[Pos] = []
        self.jump_idx = 0
        #: the change list (g; g,): where undoable changes started, oldest first
        self.changes: list[Pos] = []
        self.change_idx = 0
        #: a new undo step started: its first change may add a change-list entry
        self.new_change = True

    def set(self, name: str, pos: Pos) -> None:
        """Set a mark ("`" is stored as "'", the previous-context mark)."""
        if name == "`":
            name = "'"
        self.marks[name] = pos

    def get(self, name: str) -> Pos | None:
        """A mark's (row, col), or None when unset."""
        if name == "`":
            name = "'"
        return self.marks.get(name)

    def forget(self, name: str) -> Pos | None:
        """Unset a mark; returns where it was (None when it was not set)."""
        return self.marks.pop("'" if name == "`" else name, None)

    def on_edit(self, ev: Any) -> None:
        """Follow one document edit like Vim's mark_adjust()/mark_col_adjust()."""
        r0, c0 = ev.start_point
        r1, c1 = ev.old_end_point
        r2, c2 = ev.new_end_point
        removed = r1 - r0
        added = r2 - r0
        if removed == 0 and added == 0:
            return
        whole_line_delete = removed > 0 and c0 == 0 and c1 == 0 and added == 0
        self.marks = _adjust(self.marks, r0, r1, r2, c0, c1, c2, whole_line_delete)
        self.jumps = [
            p
            for p in (_adjust_one(j, r0, r1, r2, c0, c1, c2, whole_line_delete, keep=True) for j in self.jumps)
            if p is not None
        ]
        if self.changes:
            self.changes = [
                _adjust_one(p, r0, r1, r2, c0, c1, c2, whole_line_delete, keep=True) or p
                for p in self.changes
            ]

    # -- change list ----------------------------------------------------------------------
    def note_change(self, pos: Pos, textwidth: int) -> None:
        """A change at `pos` (Vim's changed_common()): the first change of an undo step
        adds an entry unless it is on the last entry's line within 'textwidth' (79)
        columns; until an entry is added, later changes of the step replace the last one."""
        if not (self.new_change or not self.changes):
            return
        add = True
        if self.changes:
            lr, lc = self.changes[-1]
            cols = textwidth or 79
            add = lr != pos[0] or lc + cols < pos[1] or pos[1] + cols < lc
        if add:
            self.new_change = False
            self.changes.append(pos)
            if len(self.changes) > 100:
                self.changes.pop(0)
        self.changes[-1] = pos
        self.change_idx = len(self.changes)

    def move_in_changes(self, count: int) -> Pos | str:
        """g; (count < 0) / g, (count > 0): the entry to go to, or Vim's error message."""
        n = len(self.changes)
        if n == 0:
            return "E664: Changelist is empty"
        i = self.change_idx
        if i + count < 0:
            if i == 0:
                return "E662: At start of changelist"
            i = 0
        elif i + count >= n:
            if i == n - 1:
                return "E663: At end of changelist"
            i = n - 1
        else:
            i += count
        self.change_idx = i
        return self.changes[i]

    # -- jump list ----------------------------------------------------------------------
    def push_jump(self, pos: Pos) -> None:
        """Remember `pos` as a jump origin."""
        # Vim's setpcmark(): always appended at the end (duplicates go at the next <C-o>)
        self.jumps.append(pos)
        if len(self.jumps) > 100:
            self.jumps.pop(0)
        self.jump_idx = len(self.jumps)


def _adjust_one(
    p: Pos, r0: int, r1: int, r2: int, c0: int, c1: int, c2: int, whole: bool, keep: bool = False
) -> Pos | None:
    row, col = p
    if row < r0 or (row == r0 and not whole):
        if row == r0 and r1 == r0 and r2 > r0 and col >= c0:
            # A line split at c0: the part after moves to the new line.
            return (r2, col - c0 + c2)
        return p
    if row > r1:
        return (row + (r2 - r1), col)
    if whole:
        if row < r1:
            return (r0, 0) if keep else None
        return (r2, col)
    # row in (r0, r1]: the line joined or deleted
    if row == r1 and col >= c1:
        return (r2, col - c1 + c2)
    if keep:
        return (r0, c0)
    return None if row != r1 or r1 == r0 else (r0, c0)


def _adjust(
    marks: dict[str, Pos], r0: int, r1: int, r2: int, c0: int, c1: int, c2: int, whole: bool
) -> dict[str, Pos]:
    out: dict[str, Pos] = {}
    for name, p in marks.items():
        keep = name in "[]<>.^'\""
        q = _adjust_one(p, r0, r1, r2, c0, c1, c2, whole, keep=keep)
        if q is not None:
            out[name] = q
    return out
