"""A reproducible synthetic news corpus for benchmarks: seeded, realistic lengths (300–1,500 words)."""

from __future__ import annotations

import json
import random
from pathlib import Path

_SUBJECTS = [
    "The central bank",
    "Regulators in Brussels",
    "The city council",
    "A spokesperson for the ministry",
    "Analysts at the brokerage",
    "The company's chief executive",
    "Union leaders",
    "The health agency",
    "Researchers at the university",
    "The transport authority",
    "Local officials",
    "The energy regulator",
]
_VERBS = [
    "said on Tuesday that",
    "warned that",
    "announced that",
    "told reporters that",
    "confirmed that",
    "argued that",
    "estimated that",
    "denied reports that",
    "acknowledged that",
    "expects that",
]
_CLAUSES = [
    "interest rates would stay unchanged until the second half of the year",
    "the new rules on data protection would apply to all cloud providers",
    "the budget for public schools would rise by {n} percent",
    "exports to Asia fell for the {ord} consecutive month",
    "the merger would create the region's largest {noun} supplier",
    "{n} jobs could be lost if the plant closes",
    "the vaccine campaign reached {n} thousand people in its first week",
    "ticket prices on the {noun} line would rise in {month}",
    "the investigation into the {noun} contract was still open",
    "wind and solar supplied {n} percent of the grid's power in {month}",
    "the strike at the {noun} terminal had delayed hundreds of shipments",
    "the court would rule on the {noun} case before {month}",
]
_NOUNS = ["steel", "rail", "battery", "semiconductor", "port", "grain", "software", "telecom", "water", "chemicals"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]
_ORDINALS = ["second", "third", "fourth", "fifth", "sixth"]
_SOURCES = ["Metro Daily", "Evening Post", "Business Wire", "Global Times", "The Ledger"]
_NAMES = ["Aldren", "Boveri", "Castell", "Dunmore", "Esterhaz", "Farrow", "Galloway", "Haldane", "Ibsen", "Jarrow"]


def _sentence(rng: random.Random) -> str:
    clause = rng.choice(_CLAUSES).format(
        n=rng.randint(2, 95), ord=rng.choice(_ORDINALS), noun=rng.choice(_NOUNS), month=rng.choice(_MONTHS)
    )
    name = f"{rng.choice(_NAMES)}-{rng.randint(100, 999)}"
    subject = rng.choice(_SUBJECTS)
    if rng.random() < 0.3:
        return f'"We see {clause}," {name} of {subject.lower().removeprefix("the ")} said.'
    return f"{subject} {rng.choice(_VERBS)} {clause}, according to {name}."


def make_articles(n: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        target_words = rng.randint(300, 1500)
        sentences: list[str] = []
        words = 0
        while words < target_words:
            sentence = _sentence(rng)
            sentences.append(sentence)
            words += len(sentence.split())
        paragraphs = [" ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4)]
        articles.append(
            {
                "id": f"bench-{seed}-{i:06d}",
                "title": f"{rng.choice(_NOUNS).title()} report {i}: {sentences[0][:60]}",
                "date": f"202{rng.randint(0, 4)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "source": rng.choice(_SOURCES),
                "url": f"https://news.example/{seed}/{i}",
                "author": rng.choice(_NAMES),
                "text": "\n\n".join(paragraphs),
            }
        )
    return articles


def write_corpus(path: Path, n: int, seed: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for article in make_articles(n, seed):
            out.write(json.dumps(article) + "\n")
    return path


def questions(n: int, seed: int = 11) -> list[str]:
    """Questions in the corpus's vocabulary, some answerable, some not."""
    rng = random.Random(seed)
    templates = [
        "What did {s} say about the {noun} contract?",
        "When will ticket prices on the {noun} line rise?",
        "How many jobs could be lost at the {noun} plant?",
        "What share of power came from wind and solar in {month}?",
        "Who warned about exports to Asia?",
        "What did {s} announce about interest rates?",
        "Which court case involves {noun}?",
        "What did Nokia say about 6G?",
    ]
    return [
        rng.choice(templates).format(
            s=rng.choice(_SUBJECTS).lower(), noun=rng.choice(_NOUNS), month=rng.choice(_MONTHS)
        )
        for _ in range(n)
    ]
