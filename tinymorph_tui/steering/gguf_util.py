"""Small helpers over the `gguf` package: metadata values, token texts, float matrices.

The `gguf` reader memory-maps the file, so opening even a multi-gigabyte model is cheap;
only the tensors we ask for are read (and dequantised, in row chunks, when quantised).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tinymorph_tui.steering.feature import FeatureError

if TYPE_CHECKING:
    import gguf
    import numpy as np


def open_reader(path: str | os.PathLike[str]) -> gguf.GGUFReader:
    """Open a GGUF file for reading; raises FeatureError with a one-line reason."""
    import gguf  # deferred: gguf pulls numpy and is needed only by steering commands

    try:
        return gguf.GGUFReader(os.fspath(path), "r")
    except FileNotFoundError:
        raise FeatureError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FeatureError(f"{path}: is a directory") from None
    except PermissionError:
        raise FeatureError(f"{path}: permission denied") from None
    except Exception as exc:  # the reader raises ValueError, struct.error, ... on junk
        raise FeatureError(f"{path}: not a GGUF file ({exc})") from None


def field_value(reader: gguf.GGUFReader, key: str) -> Any:
    """A metadata value (int, float, str, or list of those), or None when absent."""
    import gguf

    field = reader.fields.get(key)
    if field is None:
        return None
    types = list(field.types)

    def scalar(part: Any, vtype: Any) -> Any:
        if vtype == gguf.GGUFValueType.STRING:
            return bytes(part).decode("utf-8", errors="replace")
        value = part.tolist()
        return value[0] if isinstance(value, list) and len(value) == 1 else value

    if types and types[0] == gguf.GGUFValueType.ARRAY:
        sub = types[1] if len(types) > 1 else None
        return [scalar(field.parts[i], sub) for i in field.data]
    return scalar(field.parts[field.data[0]], types[0] if types else None)


def find_tensor(reader: gguf.GGUFReader, name: str) -> Any | None:
    """The reader's tensor record of that name, or None."""
    for tensor in reader.tensors:
        if tensor.name == name:
            return tensor
    return None


def tensor_rows(tensor: Any, chunk_rows: int = 4096) -> Iterator[tuple[int, np.ndarray]]:
    """Yield `(first_row, float32 block)` over a 2-D GGUF tensor, dequantising per chunk.

    GGUF shapes are in ggml order (ne0 = row width first); rows here are the outer dimension,
    e.g. one row per vocabulary token for `output.weight`.
    """
    import gguf
    import numpy as np

    ne = [int(x) for x in tensor.shape]
    width = ne[0]
    n_rows = int(np.prod(ne[1:])) if len(ne) > 1 else 1
    data = tensor.data
    qtype = tensor.tensor_type
    plain = qtype in (gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16)
    if plain:
        flat = np.asarray(data).reshape(n_rows, width)
    else:
        flat = np.asarray(data).reshape(n_rows, -1)  # raw bytes per row
    for start in range(0, n_rows, chunk_rows):
        block = flat[start : start + chunk_rows]
        if plain:
            out = np.asarray(block, dtype=np.float32)
        elif qtype == gguf.GGMLQuantizationType.BF16:
            out = (np.asarray(block).view(np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            try:
                out = gguf.quants.dequantize(np.asarray(block), qtype)
            except NotImplementedError:
                raise FeatureError(
                    f"tensor {tensor.name}: cannot dequantise type {qtype.name}"
                ) from None
            out = np.asarray(out, dtype=np.float32).reshape(-1, width)
        yield start, out


def token_texts(reader: gguf.GGUFReader) -> tuple[list[str], list[int]]:
    """The vocabulary's token strings made readable, and their token types.

    SentencePiece's "\u2581" becomes a space, GPT-2 byte-level "\u0120"/"\u010a" become a
    space/newline, and byte tokens "<0x41>" become the byte's character when printable.
    """
    raw = field_value(reader, "tokenizer.ggml.tokens") or []
    types = field_value(reader, "tokenizer.ggml.token_type") or [1] * len(raw)
    texts: list[str] = []
    for tok in raw:
        s = str(tok)
        if len(s) == 6 and s.startswith("<0x") and s.endswith(">"):
            try:
                code = int(s[3:5], 16)
            except ValueError:
                code = -1
            if 32 <= code < 127:
                s = chr(code)
        s = s.replace("\u2581", " ").replace("\u0120", " ").replace("\u010a", "\n")
        texts.append(s)
    return texts, [int(t) for t in types]
