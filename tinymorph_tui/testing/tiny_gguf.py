"""Write a tiny random-weight llama GGUF that llama.cpp loads in milliseconds.

Tests that need *a* model (not good text) use this instead of downloading weights. The
vocabulary is an SPM-style llama vocabulary: <unk>, <s>, </s>, the 256 byte tokens and a
few hundred word pieces, so any text tokenizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

_WORDS = (
    "the a and to of in is it was he she they we you I that for on with as at by this be "
    "had not are but from or have an were one all there when what so up out if about who "
    "get which go me will can like time no just him know take people into year your good "
    "some could them see other than then now look only come its over think also back after "
    "use two how our work first well way even new want because any these give day most us "
    "happy sad sea ship wave joy love dark light cat dog sun rain tree house girl boy little "
    "once upon story play park friend said big small red blue green"
).split()


@dataclass(frozen=True)
class TinyModelSpec:
    """Shape of the generated model."""

    n_layer: int = 4
    n_embd: int = 64
    n_head: int = 4
    n_ff: int = 128
    n_ctx: int = 512
    seed: int = 0


def _vocab() -> tuple[list[str], list[float], list[int]]:
    tokens = ["<unk>", "<s>", "</s>"]
    types = [2, 3, 3]  # unknown, control, control
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [6] * 256  # byte tokens
    pieces: list[str] = []
    for word in _WORDS:
        pieces.append("\u2581" + word)
    pieces += [chr(c) for c in range(ord("a"), ord("z") + 1)]
    pieces += ["\u2581", ".", ",", "!", "?"]
    seen: set[str] = set(tokens)
    for piece in pieces:
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
            types.append(1)
    # Longer pieces score higher so the SPM tokenizer prefers whole words.
    scores = [0.0] * 259 + [float(len(t)) for t in tokens[259:]]
    return tokens, scores, types


def write_tiny_llama(path: str | Path, spec: TinyModelSpec = TinyModelSpec()) -> Path:
    """Write a random llama GGUF to `path` and return the path."""
    import gguf  # deferred: only tests and benchmarks need it

    path = Path(path)
    rng = np.random.default_rng(spec.seed)
    tokens, scores, types = _vocab()
    n_vocab = len(tokens)

    def w(*shape: int, scale: float = 0.08) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tinymorph-tiny-random")
    writer.add_context_length(spec.n_ctx)
    writer.add_embedding_length(spec.n_embd)
    writer.add_block_count(spec.n_layer)
    writer.add_feed_forward_length(spec.n_ff)
    writer.add_head_count(spec.n_head)
    writer.add_head_count_kv(spec.n_head)
    writer.add_rope_dimension_count(spec.n_embd // spec.n_head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(0)  # all F32
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)

    ones = np.ones(spec.n_embd, dtype=np.float32)
    writer.add_tensor("token_embd.weight", w(n_vocab, spec.n_embd, scale=1.0))
    for i in range(spec.n_layer):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", ones.copy())
        writer.add_tensor(f"blk.{i}.attn_q.weight", w(spec.n_embd, spec.n_embd))
        writer.add_tensor(f"blk.{i}.attn_k.weight", w(spec.n_embd, spec.n_embd))
        writer.add_tensor(f"blk.{i}.attn_v.weight", w(spec.n_embd, spec.n_embd))
        writer.add_tensor(f"blk.{i}.attn_output.weight", w(spec.n_embd, spec.n_embd))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", ones.copy())
        writer.add_tensor(f"blk.{i}.ffn_gate.weight", w(spec.n_ff, spec.n_embd))
        writer.add_tensor(f"blk.{i}.ffn_up.weight", w(spec.n_ff, spec.n_embd))
        writer.add_tensor(f"blk.{i}.ffn_down.weight", w(spec.n_embd, spec.n_ff))
    writer.add_tensor("output_norm.weight", ones.copy())
    writer.add_tensor("output.weight", w(n_vocab, spec.n_embd, scale=0.5))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
