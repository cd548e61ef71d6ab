from pathlib import Path

from index.keyword import KeywordIndex

ROWS = [
    (
        "a:0",
        "Dockworkers in Rotterdam walked out over pay.",
        {"title": "Port strike", "date_ord": 20240501, "source": "Wire"},
    ),
    (
        "b:0",
        "Farmers reported a record wheat harvest.",
        {"title": "Harvest", "date_ord": 20230101, "source": "Farm News"},
    ),
    ("c:0", "Rotterdam port volumes fell in March.", {"title": "Volumes", "date_ord": 0, "source": "Wire"}),
]


def test_search_ranks_by_bm25_and_filters() -> None:
    index = KeywordIndex.build("g1", ROWS)
    assert index.search("Rotterdam dockworkers", 5)[0][0] == "a:0"
    assert {i for i, _ in index.search("Rotterdam", 5)} == {"a:0", "c:0"}
    assert index.search("Rotterdam", 5, since=20240101) == [("a:0", index.search("Rotterdam", 5, since=20240101)[0][1])]
    assert [i for i, _ in index.search("harvest", 5, source="farm news")] == ["b:0"]
    assert index.search("zebracorn", 5) == []


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    index = KeywordIndex.build("g1", ROWS)
    index.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    assert loaded is not None and loaded.generation == "g1"
    assert loaded.search("wheat", 3) == index.search("wheat", 3)
    index2 = KeywordIndex.build("g2", ROWS[:1])
    index2.save(tmp_path / "kw")
    assert KeywordIndex.load(tmp_path / "kw").generation == "g2"  # type: ignore[union-attr]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kw"], "no temporary folders left behind"


def test_missing_or_corrupt_index_loads_as_none(tmp_path: Path) -> None:
    assert KeywordIndex.load(tmp_path / "nothing") is None
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "meta.json").write_text("{not json")
    assert KeywordIndex.load(tmp_path / "bad") is None


def test_empty_index() -> None:
    assert KeywordIndex.build("g", []).search("anything", 3) == []
