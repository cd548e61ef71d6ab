"""A synthetic archive of N chunks for `bench --scale-chunks`: varied text, synthetic vectors, real index files.

Text: the bench corpus's news sentences mixed with sentences drawn from a Zipf distribution over the
~21,000 English words of the embedder's own vocabulary (ranked by frequency there), plus made-up names,
so the keyword index sees a realistic long-tailed vocabulary rather than copies of a few hundred chunks.
Vectors: seeded random unit vectors (the dense index's cost depends on how many there are, not on what
they mean). Everything is written through the same layers an ingest uses (`Store`, the keyword index,
the manifest), as one published write, so the result is an ordinary index an ingest can extend.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from measure.bench.corpus import _NAMES, _SOURCES, _sentence

CHUNKS_PER_ARTICLE = 8
WRITE_BATCH = 2000
VOCAB = Path(__file__).resolve().parents[2] / "index" / "assets" / "all-MiniLM-L6-v2-tokenizer" / "tokenizer.json"
ZIPF_S = 1.07
BUILD_EMBEDDER = ("local:all-MiniLM-L6-v2-int8", 384)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[list[str], list[float]]:
    vocab = json.loads(VOCAB.read_text())["model"]["vocab"]
    words = [w for w, _ in sorted(vocab.items(), key=lambda item: item[1]) if re.fullmatch(r"[a-z]{3,}", w)]
    weights = np.cumsum(1.0 / np.arange(1, len(words) + 1) ** ZIPF_S)
    return words, list(weights / weights[-1])


def _zipf_sentence(rng: random.Random) -> str:
    words, cumulative = _lexicon()
    picked = rng.choices(words, cum_weights=cumulative, k=rng.randint(10, 24))
    if rng.random() < 0.5:
        picked.insert(rng.randrange(len(picked)), f"{rng.choice(_NAMES)}-{rng.randint(100, 99999)}")
    return " ".join(picked).capitalize() + "."


def chunk_text(rng: random.Random) -> str:
    """About 150 words: news sentences and long-tail sentences, shuffled."""
    parts = [_sentence(rng) for _ in range(rng.randint(2, 4))] + [_zipf_sentence(rng) for _ in range(5)]
    rng.shuffle(parts)
    return " ".join(parts)


def archive_rows(n_chunks: int, seed: int = 5) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """(article fields, chunk texts) per synthetic article until `n_chunks` chunks are made."""
    rng = random.Random(seed)
    made = 0
    article = 0
    while made < n_chunks:
        count = min(CHUNKS_PER_ARTICLE, n_chunks - made)
        texts = [chunk_text(rng) for _ in range(count)]
        fields = {
            "id": f"archive-{seed}-{article:07d}",
            "title": f"Archive report {article}: {texts[0][:50]}",
            "date": f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "source": rng.choice(_SOURCES),
        }
        yield fields, texts
        made += count
        article += 1


def build_archive(data_dir: Path, n_chunks: int, log: Any = print) -> dict[str, Any]:
    """Create (or extend to) an index of `n_chunks` synthetic chunks under `data_dir`."""
    from bot.settings import Settings
    from index.keyword import ChunkRow
    from index.keyword_sync import open_keyword_index
    from index.manifest import IndexedArticle, Manifest, manifest_path
    from index.models import Chunk
    from index.store import Store
    from index.store.schema import chunk_metadata

    settings = Settings.from_env(None, data_dir=data_dir).index
    store = Store(settings, *BUILD_EMBEDDER, create=True)
    have = store.count()
    if have >= n_chunks:
        return {"chunks": have, "seconds": 0.0, "reused": True}
    manifest = Manifest.load(store, manifest_path(settings))
    keyword = open_keyword_index(settings)
    started = time.perf_counter()
    seq = store.begin_write()
    rng = np.random.default_rng(1)
    batch: list[tuple[Chunk, str, int]] = []
    done = 0

    def flush() -> None:
        chunks = [c for c, _, _ in batch]
        vectors = rng.standard_normal((len(chunks), BUILD_EMBEDDER[1]), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store.collection.add(
            ids=[c.id for c in chunks],
            embeddings=vectors,
            documents=[c.text for c in chunks],
            metadatas=[chunk_metadata(c, h, n, "", seq) for c, h, n in batch],
        )
        keyword.replace_articles([ChunkRow.from_chunk(c) for c in chunks], seq)
        batch.clear()

    for fields, texts in archive_rows(n_chunks):
        if fields["id"] in manifest.articles:
            done += len(texts)
            continue
        content_hash = f"synthetic-{fields['id']}"
        offset = 0
        for n, text in enumerate(texts):
            end = offset + len(text)
            chunk = Chunk(fields["id"], n, text, offset, end, fields["title"], fields["date"], fields["source"])
            batch.append((chunk, content_hash, len(texts)))
            offset += len(text) + 1
        manifest.articles[fields["id"]] = IndexedArticle(
            content_hash, len(texts), "", {f"{fields['id']}:{n}" for n in range(len(texts))}
        )
        done += len(texts)
        if len(batch) >= WRITE_BATCH:
            flush()
            if done % 50_000 < WRITE_BATCH:
                log(f"  {done} / {n_chunks} chunks, {time.perf_counter() - started:.0f} s")
    if batch:
        flush()
    generation = store.end_write()
    keyword.mark(generation, seq)
    keyword.close()
    Manifest(generation, manifest.articles).save(manifest_path(settings))
    return {"chunks": store.count(), "seconds": time.perf_counter() - started, "reused": False}
