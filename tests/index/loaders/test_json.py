"""JSON and JSONL records, the eval corpus and the official MultiHop-RAG corpus.json layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.settings import Settings
from index.loaders import LoaderError, load_file, load_sources
from index.models import Article, LoadError

RECORD = {
    "id": "a1",
    "title": "Budget passes",
    "date": "2023-09-26",
    "source": "Daily",
    "url": "https://daily.example/budget",
    "author": "Kim Ode",
    "text": "The budget passed on Tuesday.It takes effect in May.",
}


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), "utf-8")
    return path


def test_json_list_keeps_ids_and_fields(tmp_path: Path, settings: Settings) -> None:
    second = {"title": "Rain", "body": "It rained.", "link": "https://daily.example/rain", "published": "Sep 27, 2023"}
    [first, other] = load_file(write_json(tmp_path / "a.json", [RECORD, second]), settings.index.load_limits)
    assert (first.id, first.title, first.date, first.source, first.url, first.author) == (
        "a1",
        "Budget passes",
        "2023-09-26",
        "Daily",
        "https://daily.example/budget",
        "Kim Ode",
    )
    assert first.text == "The budget passed on Tuesday. It takes effect in May."
    assert other.id == Article.make_id("https://daily.example/rain", "a.json", "Rain")
    assert (other.text, other.date, other.source, other.url) == (
        "It rained.",
        "2023-09-27",
        "a.json",
        "https://daily.example/rain",
    )


@pytest.mark.parametrize("key", ["articles", "items", "data"])
def test_json_object_with_a_list(tmp_path: Path, settings: Settings, key: str) -> None:
    [article] = load_file(write_json(tmp_path / "a.json", {key: [RECORD]}), settings.index.load_limits)
    assert article.id == "a1"


def test_json_single_record_with_content_and_author_list(tmp_path: Path, settings: Settings) -> None:
    record = {"title": "T", "content": ["Para one.", "Para two."], "author": [{"name": "A"}, "B"]}
    [article] = load_file(write_json(tmp_path / "one.json", record), settings.index.load_limits)
    assert article.text == "Para one.\n\nPara two."
    assert article.author == "A, B"
    assert article.id == Article.make_id("", "one.json", "T")


def test_same_title_without_url_gets_distinct_ids(tmp_path: Path, settings: Settings) -> None:
    records = [{"title": "Update", "text": "First."}, {"title": "Update", "text": "Second."}]
    articles = load_file(write_json(tmp_path / "u.json", records), settings.index.load_limits)
    assert len({a.id for a in articles}) == 2
    again = load_file(write_json(tmp_path / "u.json", records), settings.index.load_limits)
    assert [a.id for a in again] == [a.id for a in articles]


def test_official_multihop_corpus_json_layout(tmp_path: Path, settings: Settings) -> None:
    corpus = [
        {
            "title": "200+ of the best deals from Amazon's Cyber Monday sale",
            "author": "Chris Velazco",
            "source": "Mashable",
            "published_at": "2023-11-27T08:45:59+00:00",
            "category": "entertainment",
            "url": "https://mashable.com/article/cyber-monday-deals",
            "body": "Amazon's sale runs all week.\n\nPrices dropped on Monday.",
        },
        {
            "title": "Sam Altman returns",
            "author": "Staff",
            "source": "TechCrunch",
            "published_at": "2023-11-22T10:00:00-08:00",
            "category": "technology",
            "url": "https://techcrunch.com/altman",
            "body": "Sam Altman returned as CEO of OpenAI.",
        },
    ]
    articles = load_file(write_json(tmp_path / "corpus.json", corpus), settings.index.load_limits)
    assert [(a.title, a.date, a.source, a.author) for a in articles] == [
        ("200+ of the best deals from Amazon's Cyber Monday sale", "2023-11-27", "Mashable", "Chris Velazco"),
        ("Sam Altman returns", "2023-11-22", "TechCrunch", "Staff"),
    ]
    assert articles[0].text == "Amazon's sale runs all week.\n\nPrices dropped on Monday."
    assert articles[1].id == Article.make_id("https://techcrunch.com/altman", "", "")


def test_jsonl_bad_line_is_reported_and_the_rest_load(tmp_path: Path, settings: Settings) -> None:
    lines = [json.dumps(RECORD), "{not json", "", json.dumps({**RECORD, "id": "a2"}), json.dumps({"title": "x"})]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines), "utf-8")
    items = list(load_sources([path], settings.index.load_limits, skip=settings.index.data_dir))
    assert [a.id for a in items if isinstance(a, Article)] == ["a1", "a2"]
    errors = [e for e in items if isinstance(e, LoadError)]
    assert [e.source for e in errors] == [str(path), str(path)]
    assert errors[0].error.startswith("invalid JSON on line 2:")
    assert errors[1].error.startswith("line 5: no article text")
    assert [a.id for a in load_file(path, settings.index.load_limits)] == ["a1", "a2"]


def test_json_that_is_really_jsonl_loads(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(RECORD) + "\n" + json.dumps({**RECORD, "id": "a2"}) + "\n", "utf-8")
    assert [a.id for a in load_file(path, settings.index.load_limits)] == ["a1", "a2"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('[{"title": "x", "text": "y"}\n,\n{oops}]', "invalid JSON on line 3"),
        ("[]", "no article records"),
        ('{"query": "q", "answer": "a"}', "no articles: expected a list"),
        ('[{"query": "q"}, 5]', "no articles: record 1: no article text"),
    ],
)
def test_json_without_articles_is_an_error(tmp_path: Path, settings: Settings, content: str, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    with pytest.raises(LoaderError, match=reason):
        load_file(path, settings.index.load_limits)


def test_multihop_eval_corpus_loads_with_its_ids(shared_eval_dir: Path, settings: Settings) -> None:
    corpus = shared_eval_dir / "corpus.jsonl"
    records = [json.loads(line) for line in corpus.read_text("utf-8").splitlines() if line.strip()]
    items = list(load_sources([corpus], settings.index.load_limits, skip=settings.index.data_dir))
    assert all(isinstance(item, Article) for item in items)
    assert [a.id for a in items] == [r["id"] for r in records]
    by_id = {a.id: a for a in items if isinstance(a, Article)}
    for record in records:
        assert by_id[record["id"]].date == record["date"]
        assert by_id[record["id"]].url == record["url"]
    queries = shared_eval_dir / "queries.jsonl"
    for line in queries.read_text("utf-8").splitlines():
        for evidence in json.loads(line).get("evidence") or []:
            assert evidence["quote"] in by_id[evidence["article_id"]].text
