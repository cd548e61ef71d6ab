"""The SQLite FTS5 keyword index: BM25 ranking, filters, per-article replacement, seq ordering, damage."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from index.keyword import STOPWORDS, ChunkRow, KeywordIndex, analyse

ROWS = [
    ChunkRow("a:0", "a", "Port strike\nDockworkers in Rotterdam walked out over pay.", 20240501, "Wire", "2024-05-01"),
    ChunkRow("b:0", "b", "Harvest\nFarmers reported a record wheat harvest.", 20230101, "Farm News", "2023-01-01"),
    ChunkRow("c:0", "c", "Volumes\nRotterdam port volumes fell in March.", 0, "Wire", ""),
]


def _index(tmp_path: Path, rows: list[ChunkRow] = ROWS) -> KeywordIndex:
    index = KeywordIndex.open(tmp_path / "kw" / "index.sqlite3")
    index.replace_articles(rows, 1)
    index.mark("g1", 1)
    return index


def test_search_ranks_by_bm25_and_filters(tmp_path: Path) -> None:
    index = _index(tmp_path)
    assert index.search("Rotterdam dockworkers", 5)[0][0] == "a:0"
    assert {i for i, _ in index.search("Rotterdam", 5)} == {"a:0", "c:0"}
    assert [i for i, _ in index.search("Rotterdam", 5, since=20240101)] == ["a:0"]
    assert [i for i, _ in index.search("Rotterdam", 5, until=20240101)] == []
    assert [i for i, _ in index.search("harvest", 5, source="farm news")] == ["b:0"]
    assert index.search("zebracorn", 5) == [] and index.search("the of", 5) == [] and index.search("", 5) == []
    scores = [s for _, s in index.search("Rotterdam port dockworkers", 5)]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


def test_replacing_an_article_drops_its_old_chunks_and_terms(tmp_path: Path) -> None:
    index = _index(tmp_path)
    two = [ChunkRow(f"a:{n}", "a", f"Port deal\nThe zebracorn accord part {n}.", 20240502, "Wire", "2024-05-02")
           for n in range(2)]  # fmt: skip
    index.replace_articles(two, 2)
    assert index.search("dockworkers", 5) == []
    assert {i for i, _ in index.search("zebracorn", 5)} == {"a:0", "a:1"}
    index.replace_articles([], 3, emptied=["b"])
    index.delete_articles(["c"], 3)
    assert sorted(index.ids) == ["a:0", "a:1"]
    assert index.sources() == {"Wire": 1} and index.date_span() == ("2024-05-02", "2024-05-02")
    assert index.search("wheat", 5) == [] and index.search("volumes", 5) == []


def test_an_older_write_never_undoes_a_newer_one(tmp_path: Path) -> None:
    index = _index(tmp_path)
    newer = ChunkRow("a:0", "a", "Port strike\nThe zebracorn walkout ended.", 20240501, "Wire", "2024-05-01")
    index.replace_articles([newer], 5)
    index.replace_articles(ROWS[:1], 4)
    index.delete_articles(["a"], 4)
    assert [i for i, _ in index.search("zebracorn", 5)] == ["a:0"]
    index.mark("g5", 5)
    index.mark("g4", 4)
    assert (index.generation, index.seq) == ("g5", 5)


def test_state_survives_reopening_and_load(tmp_path: Path) -> None:
    _index(tmp_path).close()
    loaded = KeywordIndex.load(tmp_path / "kw")
    assert loaded is not None and (loaded.generation, loaded.seq) == ("g1", 1)
    assert sorted(loaded.ids) == ["a:0", "b:0", "c:0"]
    assert KeywordIndex.load(tmp_path / "nothing") is None


def test_a_damaged_file_is_replaced_by_an_empty_index(tmp_path: Path) -> None:
    path = tmp_path / "kw" / "index.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"this is not a database" * 100)
    assert KeywordIndex.load(path.parent) is None
    index = KeywordIndex.open(path)
    assert (index.seq, index.ids) == (0, [])


def test_concurrent_writers_on_one_file_each_commit_whole_articles(tmp_path: Path) -> None:
    """An ingest and workers sharing a data dir may write at once: SQLite serialises, nothing half-done."""
    path = tmp_path / "kw" / "index.sqlite3"
    KeywordIndex.open(path).close()

    def write(n: int) -> None:
        index = KeywordIndex.open(path)
        rows = [ChunkRow(f"x:{k}", "x", f"version {n} zyq{n}", 0, "W", "") for k in range(1 + n % 3)]
        index.replace_articles(rows, n)
        index.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(1, 21)))
    index = KeywordIndex.open(path)
    assert sorted(index.ids) == [f"x:{k}" for k in range(1 + 20 % 3)], "the newest seq wins, whole"
    assert [i for i, _ in index.search("zyq20", 5)] == sorted(index.ids)
    assert index.search("zyq19", 5) == []


def test_the_analyser_gives_the_terms_bm25s_gave() -> None:
    """Stored terms were made by bm25s's tokenizer; the analyser that replaced it must not change one."""
    import json

    import bm25s
    import Stemmer

    root = Path(__file__).resolve().parents[2]
    texts = [json.loads(line)["text"] for line in (root / "measure/gold/wire-blind/corpus.jsonl").open()]
    texts += [p.read_text() for p in sorted((root / "seeds").iterdir())]
    texts += ["", "   ", "I", "Don't STOP: the U.S. e-mail_id x2 résumé Straße 3.5% 1,000 — naïve", "a an the"]
    expected = bm25s.tokenize(
        texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False, return_ids=False
    )
    assert set(bm25s.stopwords.STOPWORDS_EN) == STOPWORDS
    assert analyse(texts) == expected
    assert [analyse([t])[0] for t in texts[-5:]] == expected[-5:]
