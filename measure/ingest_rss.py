"""Peak RSS of an N-article ingest with everything real except the embedding arithmetic.

The tokenizer, chunker, Chroma writes, BM25 rebuild and manifest run as in production; vectors are
random so that 10,000 articles take minutes, not hours. Add the model's own plateau (measured with
`newsbot bench`, phase "ingest") to get the full figure.

    python measure/ingest_rss.py 10000 /tmp/rss-work
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embed.local import LocalOnnxEmbedder
from index.ingest import ingest
from index.settings import IndexSettings
from measure.bench.corpus import make_articles


class TokenizerOnlyEmbedder(LocalOnnxEmbedder):
    """The real tokenizer (the chunker needs it) without the ONNX session."""

    def __init__(self) -> None:
        super().__init__()
        del self._session

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.random.default_rng(len(texts)).normal(size=(len(texts), self.dim)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def main(n: int, work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    articles = make_articles(n)
    for part in range(0, n, 1000):  # files stay under NEWSBOT_MAX_FILE_BYTES
        lines = [json.dumps(a) + "\n" for a in articles[part : part + 1000]]
        (corpus / f"part{part // 1000:03d}.jsonl").write_text("".join(lines), encoding="utf-8")
    del articles
    started = time.perf_counter()
    report = ingest([corpus], IndexSettings.read(None, data_dir=work / "data"), embedder=TokenizerOnlyEmbedder())
    print(
        json.dumps(
            {
                "articles": report.articles_added,
                "chunks": report.chunks_added,
                "errors": len(report.errors),
                "seconds": round(time.perf_counter() - started, 1),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
