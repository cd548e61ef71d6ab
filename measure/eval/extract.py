"""Main-text extraction of article pages: trafilatura against the built-in selectolax reader.

The repository holds little real page HTML (one test page), so pages are built around real article
text (the dev corpus and seeds) the way news sites wrap it: a header and navigation, a byline, share
buttons, a "related stories" list and a newsletter box inside the article container, a comment thread
and a footer after it; half the pages mark the body with <article>, half only with a <div>. Each
extractor is scored per page on sentence recall (article sentences found whole in its text) and
boilerplate (pages where any wrapper text leaks in), plus the same on the repository's own HTML files.

Run: `python -m measure.eval.extract [--json]`.
"""

from __future__ import annotations

import html
import json
import random
import sys
from pathlib import Path
from typing import Any

from index.loaders import load_file
from index.settings import LoadLimits
from measure.gold.reprints.generate import DEV_CORPUS

REPO = Path(__file__).resolve().parents[2]
BOILERPLATE = (
    "Sign up for our newsletter",
    "Share on Facebook",
    "Related stories",
    "Comments (",
    "Accept all cookies",
    "All rights reserved",
    "Most read",
)


def _page(title: str, sentences: list[str], n: int, rng: random.Random) -> str:
    e = html.escape
    body = "".join(f"<p>{e(s)}</p>" for s in sentences)
    cut = max(1, len(sentences) // 2)
    first, rest = "".join(f"<p>{e(s)}</p>" for s in sentences[:cut]), "".join(f"<p>{e(s)}</p>" for s in sentences[cut:])
    related = "".join(
        f'<li><a href="/story/{n}-{k}">Other story headline number {k} about markets</a></li>' for k in range(4)
    )
    inner = (
        f"<h1>{e(title)}</h1><div class='byline'>By Staff Writer | Updated 3 hours ago</div>"
        "<div class='share'><a href='#'>Share on Facebook</a> <a href='#'>Share on X</a></div>"
        f"{first}<div class='related'><h3>Related stories</h3><ul>{related}</ul></div>"
        f"{rest}<div class='newsletter'><p>Sign up for our newsletter to get the best stories every morning.</p></div>"
    )
    wrapper = f"<article>{inner}</article>" if n % 2 == 0 else f"<div class='story-body'>{inner}</div>"
    comments = "".join(
        f"<div class='comment'><p>Great article, thanks for writing it number {k}!</p></div>" for k in range(3)
    )
    return (
        (
            f"<!doctype html><html><head><title>{e(title)} | The Daily</title></head><body>"
            "<div class='cookie'>We use cookies. Accept all cookies</div>"
            "<header><a href='/'>The Daily</a></header>"
            "<nav><a href='/world'>World</a> <a href='/business'>Business</a></nav>"
            f"<main>{wrapper}<section id='comments'><h2>Comments (3)</h2>{comments}</section>"
            "<div class='most-read'><h3>Most read</h3><a href='/x'>A popular story</a></div></main>"
            "<footer>© 2024 The Daily. All rights reserved.</footer></body></html>"
        )
        if body
        else ""
    )


def _articles(limit: int) -> list[tuple[str, list[str]]]:
    from index.sentences import split_sentences

    found = []
    # The dev corpus when ../shared is there; the shipped wire-blind corpus always (so a clone alone works).
    for corpus in (DEV_CORPUS, REPO / "measure" / "gold" / "wire-blind" / "corpus.jsonl"):
        if not corpus.exists():
            continue
        for line in corpus.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            sentences = split_sentences(record["text"])
            if len(sentences) >= 2:
                found.append((record["title"], sentences))
    seed = load_file(next((REPO / "seeds").iterdir()))[0]
    found.append((seed.title, split_sentences(seed.text)))
    return found[:limit]


def _score(text: str, sentences: list[str]) -> tuple[float, bool]:
    flat = " ".join(text.split())
    recall = sum(" ".join(s.split()) in flat for s in sentences) / len(sentences)
    return recall, any(marker in flat for marker in BOILERPLATE)


def evaluate(workdir: Path, limit: int = 60) -> dict[str, Any]:
    rng = random.Random(22)
    pages = []
    for n, (title, sentences) in enumerate(_articles(limit)):
        path = workdir / f"page-{n:03d}.html"
        path.write_text(_page(title, sentences, n, rng), encoding="utf-8")
        pages.append((path, sentences))
    result: dict[str, Any] = {"pages": len(pages)}
    for extractor in ("trafilatura", "selectolax"):
        limits = LoadLimits(html_extractor=extractor)
        recalls, leaks = [], 0
        for path, sentences in pages:
            text = load_file(path, limits)[0].text
            recall, leaked = _score(text, sentences)
            recalls.append(recall)
            leaks += leaked
        result[extractor] = {
            "sentence_recall": round(sum(recalls) / len(recalls), 4),
            "pages_complete": sum(r == 1.0 for r in recalls),
            "pages_with_boilerplate": leaks,
        }
    return result


def main(argv: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = evaluate(Path(tmp))
    if "--json" in argv:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['pages']} pages")
    for extractor in ("trafilatura", "selectolax"):
        r = result[extractor]
        print(
            f"  {extractor}: sentence recall {r['sentence_recall']}, complete {r['pages_complete']}, "
            f"boilerplate on {r['pages_with_boilerplate']} pages"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
