"""Stories: near-duplicate articles (wire copies, lightly edited reprints) found with MinHash/LSH.

One wire story is carried by many outlets; embedding every copy fills an answer's citations with the
same sentence. At ingest an article is compared, by MinHash over word shingles of its text (never its
headline or byline, which outlets change), with the first copy of every story already indexed
(datasketch's MinHashLSH finds the candidates in sub-linear time); a copy whose estimated overlap (the
share of the shorter text's shingles the other has) reaches the threshold joins that story instead of
being embedded again. Sentences the copy
adds (an extra paragraph) are found by `novel_spans` and stay searchable.

The index holds one signature per story's first copy. It is derived state: the signatures live in the
store (chunk metadata, `index.store.schema`), and the file in the data dir is a cache keyed by the
store generation, like the manifest, so a kill can never leave it out of step with the store.
"""

from __future__ import annotations

import base64
import logging
import os
import pickle
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from index.sentences import sentence_spans

log = logging.getLogger(__name__)

NUM_PERM = 128
SHINGLE_WORDS = 3
"""Word 3-grams: a changed word costs three shingles, so light edits keep a high similarity, while two
different stories on one topic share few 3-grams even when they share names."""
MIN_SHINGLES = 12
"""Texts shorter than this (a headline-only item) are never grouped: too little evidence."""
LSH_JACCARD = 0.25
LSH_WEIGHTS = (0.1, 0.9)
"""LSH finds candidates from about this Jaccard similarity (a copy that keeps the top 40% of a story is
near 0.4), its bands tuned to miss few (false positives only cost an exact check); each candidate is
then decided by its estimated overlap against the threshold."""
NOVEL_BELOW = 0.6
"""A copy's sentence is new when no sentence of the first copy shares this share of its words."""
SEED = 1
SCHEME = "affine32"
"""datasketch 2's default permutation scheme, named wherever a signature is rebuilt from stored values."""
MIN_NOVEL_WORDS = 8
"""A run of new sentences shorter than this (a copyright line, a byline) is boilerplate, not news."""
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    tokens = words(text)
    return {" ".join(tokens[i : i + size]) for i in range(max(len(tokens) - size + 1, 0))}


@dataclass(frozen=True)
class Signature:
    """An article's MinHash and its number of distinct shingles (needed to estimate the overlap)."""

    minhash: MinHash
    size: int

    def jaccard(self, other: Signature) -> float:
        return float(self.minhash.jaccard(other.minhash))

    def overlap(self, other: Signature) -> float:
        """Estimated share of the smaller text's shingles that the other has (the overlap coefficient).

        Jaccard alone punishes a copy that adds a paragraph (it grows the union); the overlap does not,
        while two different stories on one topic stay low on both."""
        j = self.jaccard(other)
        shared = j * (self.size + other.size) / (1.0 + j)
        return min(1.0, shared / max(min(self.size, other.size), 1))


def signature(text: str) -> Signature | None:
    """The MinHash of the text's word shingles; None for a text too short to compare."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])
    return Signature(minhash, len(grams))


def encode(sig: Signature) -> str:
    """A signature as one flat string (Chroma metadata holds scalars only): size, then base64 of the values."""
    values = np.asarray(sig.minhash.hashvalues, dtype=np.uint32).tobytes()
    return f"{sig.size}:{base64.b64encode(values).decode('ascii')}"


def decode(value: str) -> Signature | None:
    size, _, data = value.partition(":")
    try:
        values = np.frombuffer(base64.b64decode(data.encode("ascii"), validate=True), dtype=np.uint32)
        count = int(size)
    except (ValueError, TypeError):
        return None
    if len(values) != NUM_PERM:
        return None
    return Signature(MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME), count)


@dataclass(frozen=True)
class Match:
    """The indexed first copy an article duplicates, its story and the estimated overlap."""

    article_id: str
    story_id: str
    similarity: float


class StoryIndex:
    """The first copy of every story, searchable by MinHash; `match` finds the story an article joins."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.entries: dict[str, tuple[str, Signature]] = {}
        self._lsh = MinHashLSH(threshold=LSH_JACCARD, num_perm=NUM_PERM, weights=LSH_WEIGHTS)

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, article_id: str, story_id: str, sig: Signature | None) -> None:
        self.remove(article_id)
        if sig is None:
            return
        self.entries[article_id] = (story_id, sig)
        self._lsh.insert(article_id, sig.minhash)

    def remove(self, article_id: str) -> None:
        if self.entries.pop(article_id, None) is not None:
            self._lsh.remove(article_id)

    def match(self, sig: Signature | None, exclude: str = "") -> Match | None:
        """The indexed first copy overlapping most, at or above the threshold (ties: smallest id), or None."""
        if sig is None or self.threshold <= 0:
            return None
        best: Match | None = None
        for candidate in sorted(self._lsh.query(sig.minhash)):
            if candidate == exclude:
                continue
            story_id, other = self.entries[candidate]
            similarity = sig.overlap(other)
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Match(candidate, story_id, similarity)
        return best

    # -- the cache file -----------------------------------------------------------------------------

    def save(self, path: Path, generation: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        rows = {a: (s, encode(sig)) for a, (s, sig) in self.entries.items()}
        tmp.write_bytes(pickle.dumps({"generation": generation, "entries": rows}))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, generation: str, threshold: float) -> StoryIndex | None:
        """The cached index for `generation`, or None when it is missing, stale or unreadable."""
        try:
            raw = pickle.loads(path.read_bytes())
            if raw.get("generation") != generation or not generation:
                return None
            index = cls(threshold)
            for article_id, (story_id, value) in raw["entries"].items():
                index.add(str(article_id), str(story_id), decode(value))
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, AttributeError) as exc:
            if path.exists():
                log.info("story index cache %s not usable (%s); rebuilding it from the store", path, exc)
            return None
        return index


def story_id_for(article_id: str) -> str:
    """A story is named after the article that founded it; the name stays when that copy is removed."""
    return f"story:{article_id}"


def novel_spans(first: str, copy: str) -> list[tuple[int, int]]:
    """Offsets into `copy` of its runs of sentences that `first` does not have (even lightly edited).

    A sentence counts as present when some sentence of `first` covers NOVEL_BELOW of its words; the
    rest, merged into runs of adjacent sentences, is what a reprint adds and must stay searchable.
    """
    known = [set(words(first[a:b])) for a, b in sentence_spans(first)]
    by_word: dict[str, list[int]] = {}
    for i, sentence in enumerate(known):
        for word in sentence:
            by_word.setdefault(word, []).append(i)
    spans: list[tuple[int, int]] = []
    previous_new = False
    for a, b in sentence_spans(copy):
        tokens = set(words(copy[a:b]))
        if not tokens:
            continue
        counts: dict[int, int] = {}
        for word in tokens:
            for i in by_word.get(word, ()):
                counts[i] = counts.get(i, 0) + 1
        covered = max(counts.values(), default=0) / len(tokens)
        new = covered < NOVEL_BELOW
        if new and previous_new:
            spans[-1] = (spans[-1][0], b)
        elif new:
            spans.append((a, b))
        previous_new = new
    return [(a, b) for a, b in spans if len(words(copy[a:b])) >= MIN_NOVEL_WORDS]
