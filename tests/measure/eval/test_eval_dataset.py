"""The dataset loader: the JSONL layout, a manifest pointing at a corpus folder, and the official
MultiHop-RAG release (a small fixture written in its field layout)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.models import Article
from measure.eval.dataset import DatasetError, Evidence, load_dataset
from tests.conftest import REPO

ARTICLES = [
    {
        "id": "a1",
        "title": "Huawei opens Brussels centre",
        "date": "2019-03-05",
        "source": "Global Times",
        "url": "https://example.org/a1",
        "author": "Li",
        "text": "Huawei opened a cybersecurity centre in Brussels.",
    },
    {
        "id": "a2",
        "title": "ZTE labs",
        "date": "2019-03-27",
        "source": "Global Times",
        "url": "",
        "author": "",
        "text": "ZTE will open labs in Italy and Belgium.",
    },
]


def _write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_jsonl_layout(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "corpus.jsonl", ARTICLES)
    _write_jsonl(
        tmp_path / "queries.jsonl",
        [
            {
                "id": "q1",
                "question": "Where?",
                "type": "answerable",
                "category": "fact",
                "answers": ["Brussels"],
                "evidence": [{"article_id": "a1", "quote": "in Brussels"}],
            },
            {"id": "q2", "question": "Who?", "type": "unanswerable", "answers": []},
        ],
    )
    dataset = load_dataset(tmp_path)
    assert dataset.name == tmp_path.name and dataset.corpus_dir is None
    assert [a.id for a in dataset.articles] == ["a1", "a2"]
    assert dataset.articles[0].date == "2019-03-05" and dataset.articles[0].url == "https://example.org/a1"
    first, second = dataset.queries
    assert first.answerable and first.category == "fact" and first.answers == ("Brussels",)
    assert first.evidence == (Evidence("a1", "in Brussels"),) and first.gold_articles == {"a1"}
    assert not second.answerable and second.category is None and second.evidence == ()
    assert dataset.limited(1).queries == [first]


def test_corpus_hash_follows_the_corpus(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "corpus.jsonl", ARTICLES)
    _write_jsonl(tmp_path / "queries.jsonl", [{"question": "Where?", "answers": ["Brussels"]}])
    before = load_dataset(tmp_path).corpus_hash()
    assert load_dataset(tmp_path).corpus_hash() == before
    _write_jsonl(tmp_path / "corpus.jsonl", ARTICLES[:1])
    assert load_dataset(tmp_path).corpus_hash() != before


def test_manifest_points_at_a_corpus_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "one.txt").write_text("Some article text.", encoding="utf-8")
    data = tmp_path / "gold"
    data.mkdir()
    (data / "dataset.json").write_text(json.dumps({"name": "gold", "corpus": "../articles"}), encoding="utf-8")
    _write_jsonl(data / "queries.jsonl", [{"id": "q", "question": "What?", "answers": ["text"]}])
    dataset = load_dataset(data)
    assert dataset.name == "gold" and dataset.corpus_dir == corpus.resolve() and dataset.articles == []
    before = dataset.corpus_hash()
    (corpus / "two.txt").write_text("Another.", encoding="utf-8")
    assert load_dataset(data).corpus_hash() != before


def _official(root: Path) -> None:
    """A two-article, three-query slice in the field layout of the MultiHop-RAG release."""
    corpus = [
        {
            "title": "Apple defends Google Search deal in court",
            "author": "David Pierce",
            "source": "The Verge",
            "published_at": "2023-09-26T17:03:00+00:00",
            "category": "technology",
            "url": "https://www.theverge.com/apple-google",
            "body": "Cue said there was no valid alternative.",
        },
        {
            "title": "The FTX trial",
            "author": "Jacquelyn Melinek",
            "source": "TechCrunch",
            "published_at": "2023-09-28T14:00:00+00:00",
            "category": "business",
            "url": "https://techcrunch.com/ftx",
            "body": "Sam Bankman-Fried faces seven counts of fraud.",
        },
    ]
    fact = {"author": "x", "category": "technology", "published_at": "2023-09-26T17:03:00+00:00"}
    queries = [
        {
            "query": "Who faces seven counts of fraud?",
            "answer": "Sam Bankman-Fried",
            "question_type": "inference_query",
            "evidence_list": [
                {
                    **fact,
                    "title": "The FTX trial",
                    "source": "TechCrunch",
                    "url": "https://techcrunch.com/ftx",
                    "fact": "Sam Bankman-Fried faces seven counts of fraud.",
                }
            ],
        },
        {
            "query": "Did Cue see a valid alternative?",
            "answer": "No",
            "question_type": "comparison_query",
            # no URL here: the title alone must resolve the article
            "evidence_list": [
                {
                    **fact,
                    "title": "Apple defends Google Search deal in court",
                    "source": "The Verge",
                    "url": "",
                    "fact": "Cue said there was no valid alternative.",
                }
            ],
        },
        {
            "query": "What did the CEO of Acme say?",
            "answer": "Insufficient information.",
            "question_type": "null_query",
            "evidence_list": [],
        },
    ]
    (root / "corpus.json").write_text(json.dumps(corpus), encoding="utf-8")
    (root / "MultiHopRAG.json").write_text(json.dumps(queries), encoding="utf-8")


def test_official_multihop_rag_layout(tmp_path: Path) -> None:
    _official(tmp_path)
    dataset = load_dataset(tmp_path)
    verge, ftx = dataset.articles
    assert verge.date == "2023-09-26" and verge.text == "Cue said there was no valid alternative."
    assert verge.source == "The Verge" and verge.author == "David Pierce" and verge.id != ftx.id
    inference, comparison, null = dataset.queries
    assert inference.question == "Who faces seven counts of fraud?" and inference.answers == ("Sam Bankman-Fried",)
    assert inference.category == "inference" and inference.answerable
    assert inference.evidence == (Evidence(ftx.id, "Sam Bankman-Fried faces seven counts of fraud."),)
    assert comparison.category == "comparison" and comparison.gold_articles == {verge.id}
    assert null.category == "null" and not null.answerable and null.evidence == ()


def test_official_layout_with_unknown_evidence_article_is_an_error(tmp_path: Path) -> None:
    _official(tmp_path)
    queries = json.loads((tmp_path / "MultiHopRAG.json").read_text())
    queries[0]["evidence_list"][0].update(title="Not in the corpus", url="https://nowhere.example/")
    (tmp_path / "MultiHopRAG.json").write_text(json.dumps(queries))
    with pytest.raises(DatasetError, match="Not in the corpus"):
        load_dataset(tmp_path)


@pytest.mark.parametrize("files", [{}, {"queries.jsonl": ""}, {"MultiHopRAG.json": "[]"}])
def test_incomplete_folders_say_what_is_missing(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(DatasetError, match=r"corpus|queries"):
        load_dataset(tmp_path)


def test_shared_dev_set_loads(shared_eval_dir: Path) -> None:
    dataset = load_dataset(shared_eval_dir)
    known = {a.id for a in dataset.articles}
    assert len(dataset.queries) == 150 and len(known) == 170
    assert all(e.article_id in known for q in dataset.queries for e in q.evidence)
    assert sum(not q.answerable for q in dataset.queries) == 13


def test_seeds_gold_set_quotes_are_verbatim_in_the_loaded_article(tmp_path: Path) -> None:
    from index.loaders import load_sources

    dataset = load_dataset(REPO / "measure" / "gold" / "seeds")
    assert dataset.corpus_dir == (REPO / "seeds").resolve()
    articles = [a for a in load_sources([dataset.corpus_dir]) if isinstance(a, Article)]
    texts = {Path(a.source_path).name: a.text for a in articles}
    assert len(dataset.queries) >= 12 and sum(not q.answerable for q in dataset.queries) >= 4
    for query in dataset.queries:
        assert query.answerable == bool(query.evidence) == bool(query.answers), query.id
        for evidence in query.evidence:
            assert evidence.quote in texts[evidence.article_id], (query.id, evidence.quote)


def test_held_out_set_loads_over_the_shared_corpus(shared_eval_dir: Path) -> None:
    dataset = load_dataset(REPO / "measure" / "gold" / "multihop-heldout")
    texts = {a.id: a.text for a in dataset.articles}
    assert len(dataset.queries) == 80 and len(texts) == 170
    categories = {q.category for q in dataset.queries}
    assert categories == {"inference", "comparison", "temporal", "null"}
    for query in dataset.queries:
        assert query.answerable == bool(query.evidence) == (query.category != "null"), query.id
        for evidence in query.evidence:
            assert evidence.quote in texts[evidence.article_id], (query.id, evidence.quote)
