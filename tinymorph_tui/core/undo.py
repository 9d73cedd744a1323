"""Undo / redo cursor placement as Vim's u_undoredo() does it, on top of Document groups.

The Document restores the text; this module watches the edit events of the step to find
the changed lines, then puts the cursor where Vim would: on the saved cursor when it lies in
the changed block, else on the first changed line (first non-blank), with the "o" rule
(one line below the saved position goes back to it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinymorph_tui.core.textutil import first_nonblank

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor


def undo_redo(ed: Editor, count: int, redo: bool) -> bool:
    """Undo or redo `count` steps; returns False when there was nothing to do."""
    doc = ed.doc
    did = 0
    for _ in range(count):
        ed._events = []
        ed._change_rows = []
        saved = doc.redo() if redo else doc.undo()
        events: list[Any] = ed._events
        ed._events = None
        if saved is None:
            break
        did += 1
        _place_cursor(ed, saved, events, redo)
        if events:
            # changed_lines() of u_undoredo(): '. at the top changed line
            ed.marks.set(".", (min(ed._change_rows), 0))
    if did == 0:
        if redo:
            ed.set_error("Already at newest change")
        else:
            ed.set_error("Already at oldest change")
        return False
    ed.clamp_cursor()
    ed.update_curswant()
    ed.scroll_to_cursor()
    return True


def _place_cursor(ed: Editor, saved: Any, events: list[Any], redo: bool) -> None:
    doc = ed.doc
    if not events:
        return
    # Changed block after the step: first row and number of rows in the new text.
    top = min(ev.start_point[0] for ev in events)
    bottom = max(ev.new_end_point[0] for ev in events)
    newsize = bottom - top + 1
    srow, scol = tuple(saved) if saved is not None else (top, 0)
    # Vim: if the saved cursor is within this block (top-1 .. top+newsize), use it.
    first_changed = min(ev.start_point[0] for ev in events)
    if srow >= top - 1 and srow <= top + newsize - 1 + 1:
        row = srow
        col = scol
        use_saved = True
    else:
        row = first_changed
        col = 0
        use_saved = False
    n = doc.line_count
    if not use_saved:
        if srow + 1 == row and row > 0:
            row -= 1
    row = max(0, min(row, n - 1))
    if row == srow:
        col = scol
    else:
        col = first_nonblank(doc.line(row))
    ed.move_cursor_raw(row, col)


def undo_line(ed: Editor) -> bool:
    """U: Vim's u_undoline(): put back the line as it was before its latest changes.

    U is itself a change (undoable with u); a second U redoes what the first undid.
    """
    row = ed._u_row
    if row is None or row >= ed.doc.line_count:
        return False
    doc = ed.doc
    current = doc.line(row)
    old = ed._u_text
    t = ed._u_col
    if ed.cursor_raw[0] == row:
        ed._u_col = ed.cursor_raw[1]
    ed.move_cursor_raw(row, t)
    ed.begin_change()
    ed._u_busy = True
    try:
        a = doc.line_start(row)
        if current != old:
            doc.replace(a, a + len(current), old)
        else:
            # Vim records the step even when nothing changes
            doc.insert(a, " ")
            doc.replace(a, a + 1, "")
    finally:
        ed._u_busy = False
        ed.end_change()
    ed._u_text = current
    ed.move_cursor_raw(row, t)
    ed.clamp_cursor()
    ed.update_curswant()
    return True
