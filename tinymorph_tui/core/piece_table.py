"""A piece table whose pieces live in a red-black tree (VS Code's "piece tree").

The text is the in-order concatenation of *pieces*; each piece is a slice of a
*buffer*. The original text is one buffer that is never copied; inserted text is
appended to small add buffers. Every tree node keeps the total length and
newline count of its subtree, so finding an offset, a line start or the line of
an offset is one walk from the root: O(log pieces).

Each buffer carries a compact ``array('q')`` of its line starts (the offset
just after every "\\n"), so a piece only stores where its newlines begin in that
array and how many it holds; splitting a piece is a bisect over that small range.

Offsets are ``str`` indices (code points). Lines split on "\\n" only: a text
with k newlines has k + 1 lines, the last possibly empty. CRLF is the
Document's business.

Two things keep it fast and small in pure Python: ``line()`` remembers where
the next line starts, so drawing consecutive lines walks no tree; and when a
long session has cut the text into very many pieces (~200 bytes each), the
table compacts itself into one piece (an O(n) rebuild, e.g. ~80 ms at 10 MB,
once per tens of thousands of edits), so memory stays near the text's size.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

# Add buffers grow by appending; past this size a new one is started, so an
# append never copies a large string and the per-buffer line index stays small.
_CHUNK = 1 << 16
# Inserts at least this long get a buffer of their own (no copy at all).
_OWN_BUFFER = 1 << 12
# Below this size a line-start scan in Python beats importing numpy.
_NUMPY_SCAN_MIN = 1 << 20
# Each piece costs ~200 bytes of Python objects. When there are more than
# _COMPACT_BASE + len / _COMPACT_CHARS_PER_PIECE pieces the text is rebuilt as
# one piece, so nodes stay below ~0.6x the text (plus a fixed ~1 MB) however
# long the editing session. The O(n) rebuild runs once per that many edits.
_COMPACT_BASE = 4096
_COMPACT_CHARS_PER_PIECE = 320


class _Buffer:
    """Text that pieces point into, with the offsets of its line starts.

    ``starts[0]`` is 0 and ``starts[k]`` (k >= 1) is the offset just after the
    k-th newline, so the newline itself is at ``starts[k] - 1``.
    """

    __slots__ = ("text", "starts")

    def __init__(self, text: str, starts: array) -> None:
        self.text = text
        self.starts = starts


class _Node:
    """One piece and the red-black bookkeeping of its subtree.

    ``buf[start:start + length]`` is the piece; its ``plf`` newlines are
    ``buf.starts[ls:ls + plf]`` (minus one). ``size`` and ``lf`` sum the
    lengths and newline counts of the whole subtree rooted here.
    """

    __slots__ = ("parent", "left", "right", "red", "buf", "start", "length", "ls", "plf",
                 "size", "lf")

    parent: _Node
    left: _Node
    right: _Node

    def __init__(self, buf: Any, start: int, length: int, ls: int, plf: int) -> None:
        self.buf = buf
        self.start = start
        self.length = length
        self.ls = ls
        self.plf = plf
        self.size = length
        self.lf = plf
        self.red = True


# The shared sentinel leaf: black, empty, its own children. Rotations and
# aggregate updates can read `.size`/`.lf` of a child without a None check.
_NIL = _Node(None, 0, 0, 0, 0)
_NIL.red = False
_NIL.parent = _NIL.left = _NIL.right = _NIL


def scan_line_starts(text: str) -> array:
    """Return ``array('q')`` of the line starts of ``text`` (0, then after each "\\n")."""
    if len(text) >= _NUMPY_SCAN_MIN:
        if text.isascii():
            fast = line_starts_from_utf8(text.encode("ascii"), ascii_only=True)
        else:
            # "surrogatepass" encodes the lone surrogates of undecodable bytes
            # as 3-byte sequences, which still count as one character each.
            fast = line_starts_from_utf8(text.encode("utf-8", "surrogatepass"))
        if fast is not None:
            return fast
    starts = array("q", [0])
    append = starts.append
    find = text.find
    i = find("\n")
    while i >= 0:
        i += 1
        append(i)
        i = find("\n", i)
    return starts


def line_starts_from_utf8(
    data: bytes, *, ascii_only: bool = False, chunk: int = 1 << 20
) -> array | None:
    """Line starts, as ``str`` offsets, of the text that strict UTF-8 ``data`` decodes to.

    Works on the bytes so a large file is indexed in C speed: the character
    offset of a byte is its byte offset minus the UTF-8 continuation bytes
    before it. Only valid for data that decodes without errors. Returns None
    when numpy is missing (callers then scan the decoded text). ``ascii_only``
    skips counting continuation bytes; ``chunk`` bounds the bytes handled at
    once (and so the temporary arrays).
    """
    # numpy is imported here, not at module level, so that opening a small
    # file (and starting the editor) does not pay for it.
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency
        return None

    raw = np.frombuffer(data, dtype=np.uint8)
    pieces = [np.zeros(1, dtype=np.int64)]
    carry = 0  # continuation bytes before the current chunk
    for lo in range(0, len(raw), chunk):
        part = raw[lo:lo + chunk]
        nl = np.flatnonzero(part == 10)
        if ascii_only:
            pieces.append(nl + (lo + 1))
            continue
        # Where the continuation bytes are; how many precede each newline is
        # then a binary search, with temporaries per line, not per byte.
        cont = np.flatnonzero((part & 0xC0) == 0x80)
        pieces.append(nl + (lo + 1) - (np.searchsorted(cont, nl) + carry))
        carry += len(cont)
    out = array("q")
    out.frombytes(np.concatenate(pieces).astype("<i8", copy=False).tobytes())
    return out


class PieceTable:
    """Editable text as a balanced tree of pieces.

    ``PieceTable(text)`` keeps ``text`` itself as the original buffer (no copy).
    ``line_starts`` may be given when the caller already computed
    ``scan_line_starts(text)`` (the Document does it from the file's bytes).
    """

    __slots__ = ("_root", "_add", "_lc_line", "_lc_node", "_lc_p", "_lc_j", "_pieces")

    def __init__(self, text: str = "", *, line_starts: array | None = None) -> None:
        self._reset(text, line_starts)

    def _reset(self, text: str, line_starts: array | None = None) -> None:
        """Make ``text`` the whole content, as one piece over a fresh buffer."""
        self._root: _Node = _NIL
        self._add = _Buffer("", array("q", [0]))
        # Where the line after the last one read by line() starts: rendering
        # reads consecutive lines, and then needs no walk from the root.
        self._lc_line = -1
        self._lc_node: _Node = _NIL
        self._lc_p = 0
        self._lc_j = -1
        self._pieces = 0
        if text:
            starts = scan_line_starts(text) if line_starts is None else line_starts
            node = _Node(_Buffer(text, starts), 0, len(text), 1, len(starts) - 1)
            node.red = False
            node.parent = node.left = node.right = _NIL
            self._root = node
            self._pieces = 1

    # ------------------------------------------------------------------ queries

    def __len__(self) -> int:
        return self._root.size

    @property
    def line_count(self) -> int:
        """Number of lines: newlines + 1 (an empty text has one empty line)."""
        return self._root.lf + 1

    def text(self) -> str:
        """The whole text."""
        root = self._root
        if root is _NIL:
            return ""
        if root.left is _NIL and root.right is _NIL:
            return root.buf.text[root.start:root.start + root.length]
        return "".join([n.buf.text[n.start:n.start + n.length] for n in self._nodes()])

    def __str__(self) -> str:
        return self.text()

    def slice(self, start: int, end: int) -> str:
        """``text()[start:end]`` for 0 <= start, end (clamped like a str slice)."""
        size = self._root.size
        if start < 0:
            start = 0
        if end > size:
            end = size
        if end <= start:
            return ""
        x, a = self._find_char(start)
        s = x.start + a
        want = end - start
        if x.length - a >= want:
            return x.buf.text[s:s + want]
        parts = [x.buf.text[s:x.start + x.length]]
        want -= x.length - a
        while want > 0:
            x = _succ(x)
            n = x.length
            if n >= want:
                parts.append(x.buf.text[x.start:x.start + want])
                break
            parts.append(x.buf.text[x.start:x.start + n])
            want -= n
        return "".join(parts)

    def char_at(self, offset: int) -> str:
        """The character at ``offset`` (0 <= offset < len)."""
        if not 0 <= offset < self._root.size:
            raise IndexError(f"offset {offset} out of range 0..{self._root.size - 1}")
        x, a = self._find_char(offset)
        return x.buf.text[x.start + a]

    def line_start(self, i: int) -> int:
        """Offset of the first character of line ``i`` (0-based)."""
        if i == 0:
            return 0
        root = self._root
        if not 0 < i <= root.lf:
            raise IndexError(f"line {i} out of range 0..{root.lf}")
        x = root
        off = 0
        while True:
            left = x.left
            if i <= left.lf:
                x = left
                continue
            i -= left.lf
            off += left.size
            if i <= x.plf:
                return off + x.buf.starts[x.ls + i - 1] - x.start
            i -= x.plf
            off += x.length
            x = x.right

    def line_of(self, offset: int) -> int:
        """The line (0-based) that ``offset`` is on; ``len`` is on the last line."""
        root = self._root
        if offset <= 0:
            if offset == 0:
                return 0
            raise IndexError(f"offset {offset} out of range 0..{root.size}")
        if offset > root.size:
            raise IndexError(f"offset {offset} out of range 0..{root.size}")
        x = root
        lf = 0
        while True:
            left = x.left
            if offset <= left.size:
                x = left
                continue
            offset -= left.size
            lf += left.lf
            if offset <= x.length:
                plf = x.plf
                if plf:
                    ls = x.ls
                    return lf + bisect_right(x.buf.starts, x.start + offset, ls, ls + plf) - ls
                return lf
            offset -= x.length
            lf += x.plf
            x = x.right

    def position_of(self, offset: int) -> tuple[int, int]:
        """(line, column) of ``offset``; one walk when the line starts in the same piece."""
        root = self._root
        if not 0 <= offset <= root.size:
            raise IndexError(f"offset {offset} out of range 0..{root.size}")
        if offset == 0:
            return (0, 0)
        x = root
        r = offset
        lf = 0
        while True:
            left = x.left
            if r <= left.size:
                x = left
                continue
            r -= left.size
            lf += left.lf
            if r <= x.length:
                break
            r -= x.length
            lf += x.plf
            x = x.right
        plf = x.plf
        if plf:
            ls = x.ls
            starts = x.buf.starts
            k = bisect_right(starts, x.start + r, ls, ls + plf)
            if k > ls:  # a newline of this piece precedes offset: the line starts here
                return (lf + k - ls, x.start + r - starts[k - 1])
        # The line started in an earlier piece.
        return (lf, offset - self.line_start(lf))

    def line(self, i: int) -> str:
        """Line ``i`` without its "\\n"."""
        root = self._root
        if not 0 <= i <= root.lf:
            raise IndexError(f"line {i} out of range 0..{root.lf}")
        if i == self._lc_line:
            x, p, j = self._lc_node, self._lc_p, self._lc_j
        elif root is _NIL:
            return ""
        else:
            x, p, j = self._locate_line(i)
        # Line i starts at x's in-piece offset p; j is the index (within x) of
        # the newline just before it, -1 when none of x's newlines precede it.
        if x is _NIL:  # the last line is empty and starts at the very end
            self._lc_line = -1
            return ""
        j += 1
        if j < x.plf:  # the whole line is inside this piece: the common case
            buf = x.buf
            e = buf.starts[x.ls + j]
            self._lc_line = i + 1
            if e - x.start == x.length:
                self._lc_node = _succ(x)
                self._lc_p = 0
                self._lc_j = -1
            else:
                self._lc_node = x
                self._lc_p = e - x.start
                self._lc_j = j
            return buf.text[x.start + p:e - 1]
        parts = [x.buf.text[x.start + p:x.start + x.length]]
        x = _succ(x)
        while x is not _NIL:
            if x.plf:
                buf = x.buf
                e = buf.starts[x.ls]
                parts.append(buf.text[x.start:e - 1])
                self._lc_line = i + 1
                if e - x.start == x.length:
                    self._lc_node = _succ(x)
                    self._lc_p = 0
                    self._lc_j = -1
                else:
                    self._lc_node = x
                    self._lc_p = e - x.start
                    self._lc_j = 0
                return "".join(parts)
            parts.append(x.buf.text[x.start:x.start + x.length])
            x = _succ(x)
        self._lc_line = -1
        return "".join(parts)

    def lines(self, start: int, end: int) -> list[str]:
        """Lines ``start`` .. ``end - 1`` (clamped to the text), e.g. the visible ones."""
        end = min(end, self._root.lf + 1)
        line = self.line
        return [line(i) for i in range(max(start, 0), end)]

    def line_length(self, i: int) -> int:
        """Length of line ``i`` without its "\\n"."""
        start = self.line_start(i)
        if i == self._root.lf:
            return self._root.size - start
        return self.line_start(i + 1) - 1 - start

    # -------------------------------------------------------------------- edits

    def insert(self, offset: int, s: str) -> None:
        """Insert ``s`` before the character at ``offset`` (0 <= offset <= len)."""
        self._insert(offset, s)
        if self._pieces > _COMPACT_BASE and \
                self._pieces > _COMPACT_BASE + self._root.size // _COMPACT_CHARS_PER_PIECE:
            self.compact()

    def delete(self, offset: int, n: int) -> None:
        """Delete ``n`` characters starting at ``offset``."""
        self._delete(offset, n)
        if self._pieces > _COMPACT_BASE and \
                self._pieces > _COMPACT_BASE + self._root.size // _COMPACT_CHARS_PER_PIECE:
            self.compact()

    def compact(self) -> None:
        """Rebuild the text as a single piece (O(n)); queries are unchanged.

        Called automatically when pieces get numerous; see _COMPACT_BASE.
        """
        self._reset(self.text())

    def _insert(self, offset: int, s: str) -> None:
        n = len(s)
        if not n:
            if not 0 <= offset <= self._root.size:
                raise IndexError(f"offset {offset} out of range 0..{self._root.size}")
            return
        root = self._root
        size = root.size
        self._lc_line = -1
        if offset <= 0 or offset >= size:
            if offset == 0:
                z = self._new_piece(s)
                if root is _NIL:
                    z.red = False
                    z.parent = z.left = z.right = _NIL
                    self._root = z
                    self._pieces = 1
                    return
                x = root
                while x.left is not _NIL:
                    x = x.left
                self._attach_left(x, z)
                return
            if offset != size:
                raise IndexError(f"offset {offset} out of range 0..{size}")
        # Find the piece that ends at or contains offset: x, with offset
        # falling after its r-th character (1 <= r <= x.length).
        x = root
        r = offset
        while True:
            left = x.left
            if r <= left.size:
                x = left
                continue
            r -= left.size
            if r <= x.length:
                break
            r -= x.length
            x = x.right
        add = self._add
        if r == x.length:
            # Typing extends the piece it just wrote: no new node at all.
            if (x.buf is add and x.start + r == len(add.text)
                    and len(add.text) + n <= _CHUNK and n < _OWN_BUFFER):
                f = self._append(s)
                x.length += n
                x.plf += f
                while x is not _NIL:
                    x.size += n
                    x.lf += f
                    x = x.parent
                return
            self._attach_right(x, self._new_piece(s))
            return
        # Inside a piece: split it, then put the new piece between the halves.
        right = self._split(x, r)
        self._attach_right(x, right, stop=x)
        self._attach_right(x, self._new_piece(s))

    def _delete(self, offset: int, n: int) -> None:
        if n <= 0:
            if n == 0 and 0 <= offset <= self._root.size:
                return
            raise IndexError(f"cannot delete {n} characters at {offset}")
        if offset < 0 or offset + n > self._root.size:
            raise IndexError(f"range {offset}..{offset + n} out of range 0..{self._root.size}")
        self._lc_line = -1
        while n:
            x, a = self._find_char(offset)
            length = x.length
            if a == 0:
                if n >= length:
                    self._remove(x)
                    n -= length
                    continue
                # Cut the head of the piece.
                buf = x.buf
                s0 = x.start + n
                ls = x.ls
                plf = x.plf
                gone = 0
                if plf:
                    k = bisect_right(buf.starts, s0, ls, ls + plf)
                    gone = k - ls
                    x.ls = k
                    x.plf = plf - gone
                x.start = s0
                x.length = length - n
                while x is not _NIL:
                    x.size -= n
                    x.lf -= gone
                    x = x.parent
                return
            if a + n >= length:
                # Cut the tail of the piece, then go on with what follows it.
                cut = length - a
                plf = x.plf
                gone = 0
                if plf:
                    ls = x.ls
                    k = bisect_right(x.buf.starts, x.start + a, ls, ls + plf)
                    gone = ls + plf - k
                    x.plf = k - ls
                x.length = a
                while x is not _NIL:
                    x.size -= cut
                    x.lf -= gone
                    x = x.parent
                n -= cut
                continue
            # Cut out of the middle: x keeps the head, a new node takes the tail.
            buf = x.buf
            s0 = x.start
            ls = x.ls
            plf = x.plf
            if plf:
                hi = ls + plf
                k1 = bisect_right(buf.starts, s0 + a, ls, hi)
                k2 = bisect_right(buf.starts, s0 + a + n, k1, hi)
            else:
                k1 = k2 = hi = ls
            tail = _Node(buf, s0 + a + n, length - a - n, k2, hi - k2)
            x.length = a
            x.plf = k1 - ls
            gone = k2 - k1
            # Lower the sums first: the rotations in _attach_right need them exact.
            p = x
            while p is not _NIL:
                p.size -= n
                p.lf -= gone
                p = p.parent
            self._attach_right(x, tail, stop=x)
            return

    def replace(self, start: int, end: int, s: str) -> None:
        """Replace ``text()[start:end]`` by ``s``."""
        if end > start:
            self.delete(start, end - start)
        self.insert(start, s)

    # ---------------------------------------------------------------- internals

    def _nodes(self) -> Iterator[_Node]:
        """Nodes in text order."""
        x = self._root
        if x is _NIL:
            return
        while x.left is not _NIL:
            x = x.left
        while x is not _NIL:
            yield x
            x = _succ(x)

    def _find_char(self, offset: int) -> tuple[_Node, int]:
        """Node holding the character at ``offset`` and its index in the piece."""
        x = self._root
        while True:
            left = x.left
            if offset < left.size:
                x = left
                continue
            offset -= left.size
            if offset < x.length:
                return x, offset
            offset -= x.length
            x = x.right

    def _locate_line(self, i: int) -> tuple[_Node, int, int]:
        """(node, in-piece offset, index of the preceding newline in node) of line i."""
        x = self._root
        if i == 0:
            while x.left is not _NIL:
                x = x.left
            return x, 0, -1
        while True:
            left = x.left
            if i <= left.lf:
                x = left
                continue
            i -= left.lf
            if i <= x.plf:
                p = x.buf.starts[x.ls + i - 1] - x.start
                if p == x.length:
                    return _succ(x), 0, -1
                return x, p, i - 1
            i -= x.plf
            x = x.right

    def _append(self, s: str) -> int:
        """Append ``s`` to the current add buffer; return its newline count."""
        add = self._add
        t = add.text
        start = len(t)
        # Drop the buffer's reference so `t` is the only one and CPython can
        # grow the string in place instead of copying it.
        add.text = ""
        t += s
        add.text = t
        if "\n" not in s:
            return 0
        starts = add.starts
        before = len(starts)
        find = s.find
        i = find("\n")
        while i >= 0:
            i += 1
            starts.append(start + i)
            i = find("\n", i)
        return len(starts) - before

    def _new_piece(self, s: str) -> _Node:
        """A detached node for new text ``s``, stored in an add buffer."""
        n = len(s)
        if n >= _OWN_BUFFER:
            starts = scan_line_starts(s)
            return _Node(_Buffer(s, starts), 0, n, 1, len(starts) - 1)
        add = self._add
        if len(add.text) + n > _CHUNK:
            add = self._add = _Buffer("", array("q", [0]))
        start = len(add.text)
        ls = len(add.starts)
        plf = self._append(s)
        return _Node(add, start, n, ls, plf)

    def _split(self, x: _Node, r: int) -> _Node:
        """Cut ``x`` after its r-th character; return a detached node for the rest.

        Subtree sums are left as they were: the caller attaches the rest below
        ``x`` with ``stop=x``, so every sum from ``x`` up stays right.
        """
        buf = x.buf
        ls = x.ls
        plf = x.plf
        k = bisect_right(buf.starts, x.start + r, ls, ls + plf) if plf else ls
        rest = _Node(buf, x.start + r, x.length - r, k, ls + plf - k)
        x.length = r
        x.plf = k - ls
        return rest

    def _attach_right(self, x: _Node, z: _Node, stop: _Node = _NIL) -> None:
        """Link ``z`` in as the in-order successor of ``x`` and rebalance.

        Subtree sums are raised along z's ancestors up to (not including) ``stop``.
        """
        z.left = z.right = _NIL
        y = x.right
        if y is _NIL:
            x.right = z
            z.parent = x
        else:
            while y.left is not _NIL:
                y = y.left
            y.left = z
            z.parent = y
        self._pieces += 1
        n = z.length
        f = z.plf
        p = z.parent
        while p is not stop:
            p.size += n
            p.lf += f
            p = p.parent
        if z.parent.red:
            self._fix_insert(z)

    def _attach_left(self, x: _Node, z: _Node) -> None:
        """Link ``z`` in as the in-order predecessor of ``x`` and rebalance."""
        z.left = z.right = _NIL
        y = x.left
        if y is _NIL:
            x.left = z
            z.parent = x
        else:
            while y.right is not _NIL:
                y = y.right
            y.right = z
            z.parent = y
        self._pieces += 1
        n = z.length
        f = z.plf
        p = z.parent
        while p is not _NIL:
            p.size += n
            p.lf += f
            p = p.parent
        if z.parent.red:
            self._fix_insert(z)

    def _rotate_left(self, x: _Node) -> None:
        y = x.right
        b = y.left
        x.right = b
        if b is not _NIL:
            b.parent = x
        p = x.parent
        y.parent = p
        if p is _NIL:
            self._root = y
        elif x is p.left:
            p.left = y
        else:
            p.right = y
        y.left = x
        x.parent = y
        y.size = x.size
        y.lf = x.lf
        x.size = x.left.size + b.size + x.length
        x.lf = x.left.lf + b.lf + x.plf

    def _rotate_right(self, x: _Node) -> None:
        y = x.left
        b = y.right
        x.left = b
        if b is not _NIL:
            b.parent = x
        p = x.parent
        y.parent = p
        if p is _NIL:
            self._root = y
        elif x is p.right:
            p.right = y
        else:
            p.left = y
        y.right = x
        x.parent = y
        y.size = x.size
        y.lf = x.lf
        x.size = b.size + x.right.size + x.length
        x.lf = b.lf + x.right.lf + x.plf

    def _fix_insert(self, z: _Node) -> None:
        """Restore the red-black rules after linking in the red node ``z``."""
        while z.parent.red:
            p = z.parent
            g = p.parent
            if p is g.left:
                u = g.right
                if u.red:
                    p.red = u.red = False
                    g.red = True
                    z = g
                    continue
                if z is p.right:
                    z = p
                    self._rotate_left(z)
                    p = z.parent
                p.red = False
                g.red = True
                self._rotate_right(g)
            else:
                u = g.left
                if u.red:
                    p.red = u.red = False
                    g.red = True
                    z = g
                    continue
                if z is p.left:
                    z = p
                    self._rotate_right(z)
                    p = z.parent
                p.red = False
                g.red = True
                self._rotate_left(g)
        self._root.red = False

    def _remove(self, z: _Node) -> None:
        """Unlink the node ``z`` (its piece leaves the text) and rebalance."""
        self._pieces -= 1
        n = z.length
        f = z.plf
        p = z
        while p is not _NIL:
            p.size -= n
            p.lf -= f
            p = p.parent
        if z.left is not _NIL and z.right is not _NIL:
            # Move the successor's piece into z and unlink the successor,
            # which has no left child.
            y = z.right
            while y.left is not _NIL:
                y = y.left
            n = y.length
            f = y.plf
            p = y.parent
            while p is not z:
                p.size -= n
                p.lf -= f
                p = p.parent
            z.buf = y.buf
            z.start = y.start
            z.length = y.length
            z.ls = y.ls
            z.plf = y.plf
            z = y
        x = z.left if z.left is not _NIL else z.right
        p = z.parent
        if x is not _NIL:
            x.parent = p
        if p is _NIL:
            self._root = x
        elif z is p.left:
            p.left = x
        else:
            p.right = x
        if not z.red:
            self._fix_remove(x, p)

    def _fix_remove(self, x: _Node, p: _Node) -> None:
        """Restore the red-black rules after unlinking a black node from under ``p``.

        ``x`` took its place and may be the sentinel, so its parent is passed
        in rather than written into the shared sentinel.
        """
        while x is not self._root and not x.red:
            # x carries an extra black, so its sibling w is a real node.
            if x is p.left:
                w = p.right
                if w.red:
                    w.red = False
                    p.red = True
                    self._rotate_left(p)
                    w = p.right
                if not w.left.red and not w.right.red:
                    w.red = True
                    x = p
                    p = x.parent
                    continue
                if not w.right.red:
                    w.left.red = False
                    w.red = True
                    self._rotate_right(w)
                    w = p.right
                w.red = p.red
                p.red = False
                w.right.red = False
                self._rotate_left(p)
                x = self._root
            else:
                w = p.left
                if w.red:
                    w.red = False
                    p.red = True
                    self._rotate_right(p)
                    w = p.left
                if not w.right.red and not w.left.red:
                    w.red = True
                    x = p
                    p = x.parent
                    continue
                if not w.left.red:
                    w.right.red = False
                    w.red = True
                    self._rotate_left(w)
                    w = p.left
                w.red = p.red
                p.red = False
                w.left.red = False
                self._rotate_right(p)
                x = self._root
        if x is not _NIL:
            x.red = False

    # ------------------------------------------------------------ diagnostics

    def check(self) -> dict[str, int]:
        """Verify every tree invariant (O(n); for tests). Returns shape figures.

        Raises ``AssertionError`` naming the first broken rule: the root is
        black, no red node has a red child, every root-to-leaf path has the same
        number of black nodes, parent links agree, subtree sums are exact, no
        piece is empty, and each piece's newline bookkeeping matches its text.
        """
        assert not _NIL.red and _NIL.size == 0 and _NIL.lf == 0 and _NIL.parent is _NIL, \
            "sentinel was modified"
        root = self._root
        if root is _NIL:
            assert self._pieces == 0, "piece count is wrong"
            return {"pieces": 0, "height": 0, "black_height": 0}
        assert not root.red, "root is red"
        assert root.parent is _NIL, "root has a parent"
        pieces = 0
        height = 0

        # Iterative post-order walk: (node, depth, children_done).
        results: dict[int, tuple[int, int, int]] = {}
        stack: list[tuple[_Node, int, bool]] = [(root, 1, False)]
        while stack:
            x, depth, done = stack.pop()
            if not done:
                stack.append((x, depth, True))
                for c in (x.left, x.right):
                    if c is not _NIL:
                        assert c.parent is x, "broken parent link"
                        stack.append((c, depth + 1, False))
                continue
            pieces += 1
            height = max(height, depth)
            assert x.length > 0, "empty piece"
            text = x.buf.text[x.start:x.start + x.length]
            assert len(text) == x.length, "piece runs past its buffer"
            assert text.count("\n") == x.plf, "piece newline count is wrong"
            starts = x.buf.starts
            assert x.ls == bisect_right(starts, x.start), "piece line index is wrong"
            if x.red:
                assert not x.left.red and not x.right.red, "red node with a red child"
            sums = []
            for c in (x.left, x.right):
                sums.append(results.pop(id(c)) if c is not _NIL else (0, 0, 1))
            (ls_, lf_l, bh_l), (rs_, lf_r, bh_r) = sums
            assert bh_l == bh_r, "black heights differ"
            assert x.size == ls_ + rs_ + x.length, "subtree size is wrong"
            assert x.lf == lf_l + lf_r + x.plf, "subtree newline count is wrong"
            results[id(x)] = (x.size, x.lf, bh_l + (0 if x.red else 1))
        _, _, bh = results[id(root)]
        assert pieces == self._pieces, "piece count is wrong"
        return {"pieces": pieces, "height": height, "black_height": bh}


def _succ(x: _Node) -> _Node:
    """In-order successor of ``x`` (``_NIL`` after the last node)."""
    y = x.right
    if y is not _NIL:
        while y.left is not _NIL:
            y = y.left
        return y
    p = x.parent
    while p is not _NIL and x is p.right:
        x = p
        p = p.parent
    return p
