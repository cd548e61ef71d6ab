"""Stories at ingest: wire copies join the first copy's story, are not embedded again, and stay consistent."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from index.ingest import ingest
from index.keyword import KeywordIndex, keyword_dir
from index.manifest import Manifest, manifest_path
from index.store import Store
from index.stories import StoryIndex, decode, encode, novel_spans, signature
from index.story_plan import story_index_path
from tests.support.consistency import run_crash_ingest

BODY = (
    "The European Commission released a common stance on 5G network security on Tuesday. "
    "Member states should complete a national risk assessment of their networks by the end of June. "
    "Countries should then exchange information and agree a coordinated assessment by October 1. "
    "The blueprint did not exclude any vendor, although Washington has lobbied allies to ban Huawei. "
    "Huawei welcomed what it called an objective and proportionate approach to network security. "
    "Analysts said the decision was a victory for Chinese suppliers in their fight against the boycott."
)
EXTRA = "Separately, the zebracorn regulator in Lisbon said it would publish its own telecom audit next spring."
OTHER = (
    "Farmers in Kansas reported a record wheat harvest this year after heavy spring rains and mild weather. "
    "Grain prices fell sharply as a result of the harvest, traders in Chicago said on Monday afternoon. "
    "The agriculture department expects exports to rise by ten percent next season as demand recovers."
)


def _write(folder: Path, name: str, source: str, body: str, title: str = "EU 5G stance") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\ntitle: {title}\ndate: 2019-03-27\nsource: {source}\n---\n\n{body}\n", encoding="utf-8")
    return path


def _wire(folder: Path) -> Path:
    _write(folder, "a.md", "Wire A", BODY, "EU sets its 5G stance")
    _write(folder, "b.md", "Paper B", "By staff reporters\n\n" + BODY, "Europe's 5G plan ignores US pressure")
    _write(folder, "c.md", "Paper C", BODY + "\n\n" + EXTRA, "EU 5G")
    _write(folder, "d.md", "Paper D", OTHER, "Harvest")
    return folder


def _store(settings, embedder) -> Store:  # type: ignore[no-untyped-def]
    return Store(settings.index, embedder.name, embedder.dim, create=False)


def _rows(store: Store) -> dict[str, dict[str, object]]:
    return {chunk_id: {**meta, "text": text} for chunk_id, text, meta in store.scan()}


def test_signature_overlap_tells_copies_from_other_stories() -> None:
    first, copy, other = signature(BODY), signature(BODY + " " + EXTRA), signature(OTHER)
    assert first is not None and copy is not None and other is not None
    assert first.overlap(copy) > 0.9
    assert first.overlap(other) < 0.2
    assert signature("Too short to compare.") is None
    again = decode(encode(first))
    assert again is not None and again.overlap(first) == 1.0 and again.size == first.size


def test_novel_spans_are_the_added_sentences_only() -> None:
    copy = BODY.replace("Tuesday", "Wednesday") + "\n\n" + EXTRA
    spans = novel_spans(BODY, copy)
    assert [copy[a:b] for a, b in spans] == [EXTRA]


def test_story_index_round_trips_through_its_cache(tmp_path: Path) -> None:
    index = StoryIndex(0.85)
    index.add("a", "story:a", signature(BODY))
    index.save(tmp_path / "s.pickle", "gen-1")
    assert StoryIndex.load(tmp_path / "s.pickle", "gen-2", 0.85) is None, "a cache of another generation is stale"
    loaded = StoryIndex.load(tmp_path / "s.pickle", "gen-1", 0.85)
    assert loaded is not None
    match = loaded.match(signature("By the wire\n\n" + BODY))
    assert match is not None and (match.article_id, match.story_id) == ("a", "story:a")
    assert loaded.match(signature(OTHER)) is None


def test_wire_copies_are_stored_as_members_and_not_embedded(tmp_path: Path, settings, embedder) -> None:
    corpus = _wire(tmp_path / "wire")
    report = ingest([corpus], settings.index, embedder=embedder)
    assert (report.articles_added, report.duplicates, report.errors) == (4, 2, [])
    store = _store(settings, embedder)
    rows = _rows(store)
    by_source: dict[str, list[dict[str, object]]] = {}
    for meta in rows.values():
        by_source.setdefault(str(meta["source"]), []).append(meta)
    assert "Paper B" not in by_source, "an exact copy with a byline adds no chunk"
    assert [m["text"] for m in by_source["Paper C"]] == [EXTRA], "only the added sentence is embedded"
    first = by_source["Wire A"][0]
    assert json.loads(str(first["also_in"])) == ["Paper B", "Paper C"]
    assert by_source["Paper C"][0]["story_id"] == first["story_id"]
    assert json.loads(str(by_source["Paper C"][0]["also_in"])) == ["Paper B", "Wire A"]
    assert {r.article.source for r in store.members.scan()} == {"Paper B", "Paper C"}
    keyword = KeywordIndex.load(keyword_dir(settings.index))
    assert keyword is not None and [c for c, _ in keyword.search("zebracorn Lisbon audit", 3)] == [
        next(i for i, m in rows.items() if m["source"] == "Paper C")
    ]
    again = ingest([corpus], settings.index, embedder=embedder)
    assert (again.articles_unchanged, again.chunks_added, again.duplicates) == (4, 0, 0)


def test_citations_carry_the_story_and_its_other_outlets(tmp_path: Path, settings, embedder) -> None:
    from bot.core.retrieve import HybridRetriever

    ingest([_wire(tmp_path / "wire")], settings.index, embedder=embedder)
    hits = HybridRetriever(settings.index, _store(settings, embedder), embedder).retrieve("coordinated assessment", 5)
    sources = [h.chunk.source for h in hits]
    assert sources.count("Paper B") == 0 and sources[0] == "Wire A"
    assert hits[0].chunk.story_id and hits[0].chunk.also_in == ("Paper B", "Paper C")


def test_removing_the_first_copy_promotes_the_earliest_other(tmp_path: Path, settings, embedder) -> None:
    corpus = _wire(tmp_path / "wire")
    ingest([corpus], settings.index, embedder=embedder)
    story = next(m["story_id"] for m in _rows(_store(settings, embedder)).values() if m["source"] == "Wire A")
    copies = sorted(_store(settings, embedder).members.scan(), key=lambda r: r.article.id)
    heir, other = copies[0].article.source, copies[1].article.source  # same date: the smaller id takes over
    (corpus / "a.md").unlink()
    report = ingest([corpus], settings.index, embedder=embedder, prune=True)
    assert report.articles_removed == 1
    store = _store(settings, embedder)
    rows = _rows(store)
    promoted = [m for m in rows.values() if m["story_id"] == story and not m.get("member")]
    assert promoted and {m["source"] for m in promoted} == {heir}
    assert "coordinated assessment by October 1" in " ".join(str(m["text"]) for m in promoted)
    assert json.loads(str(promoted[0]["also_in"])) == [other]
    assert [r.article.source for r in store.members.scan()] == [other]
    manifest = Manifest.load(store, manifest_path(settings.index))
    assert all(a.complete for a in manifest.articles.values()) and len(manifest.articles) == 3


def test_an_edited_first_copy_measures_what_its_copies_add_again(tmp_path: Path, settings, embedder) -> None:
    """A correction to the first copy that takes in a copy's extra paragraph leaves that paragraph embedded once
    (the first copy's); one that drops a sentence its copies still carry makes theirs searchable."""
    corpus = _wire(tmp_path / "wire")
    ingest([corpus], settings.index, embedder=embedder)
    _write(corpus, "a.md", "Wire A", BODY + "\n\n" + EXTRA, "EU sets its 5G stance")
    report = ingest([corpus], settings.index, embedder=embedder)
    assert (report.articles_updated, report.duplicates, report.errors) == (1, 0, [])
    store = _store(settings, embedder)
    rows = _rows(store)
    assert [m["source"] for m in rows.values() if EXTRA in str(m["text"])] == ["Wire A"]
    assert not [m for m in rows.values() if m["source"] in {"Paper B", "Paper C"}]
    assert {r.article.source: r.n_chunks for r in store.members.scan()} == {"Paper B": 0, "Paper C": 0}
    dropped = BODY.split(". Analysts said")[0] + "."
    _write(corpus, "a.md", "Wire A", dropped, "EU sets its 5G stance")
    ingest([corpus], settings.index, embedder=embedder)
    rows = _rows(_store(settings, embedder))
    carried = {str(m["source"]) for m in rows.values() if "victory for Chinese suppliers" in str(m["text"])}
    assert carried == {"Paper B", "Paper C"}
    assert [m["source"] for m in rows.values() if EXTRA in str(m["text"])] == ["Paper C"]
    again = ingest([corpus], settings.index, embedder=embedder)
    assert (again.articles_unchanged, again.chunks_added, again.duplicates) == (4, 0, 0)


def test_the_copies_of_a_promoted_first_copy_follow_its_edits(tmp_path: Path, settings, embedder) -> None:
    """After the first copy is removed, the copy promoted in its place (the earliest) is the one its copies
    are measured against when it is edited."""
    corpus = tmp_path / "wire"
    _write(corpus, "a.md", "Wire A", BODY, "EU sets its 5G stance")
    _write(corpus, "b.md", "Paper B", "By staff reporters\n\n" + BODY, "Europe's 5G plan")
    _write(corpus, "c.md", "Paper C", BODY + "\n\n" + EXTRA, "EU 5G")
    (corpus / "b.md").write_text((corpus / "b.md").read_text().replace("2019-03-27", "2019-03-28"))
    (corpus / "c.md").write_text((corpus / "c.md").read_text().replace("2019-03-27", "2019-03-29"))
    ingest([corpus], settings.index, embedder=embedder)
    (corpus / "a.md").unlink()
    ingest([corpus], settings.index, embedder=embedder, prune=True)
    rows = _rows(_store(settings, embedder))
    heir = {str(m["article_id"]) for m in rows.values() if m["source"] == "Paper B" and not m.get("member")}
    assert len(heir) == 1, "the earliest copy, Paper B's, took over"
    assert [m["source"] for m in rows.values() if EXTRA in str(m["text"])] == ["Paper C"]
    edited = (corpus / "b.md").read_text().replace(BODY, BODY + "\n\n" + EXTRA)
    (corpus / "b.md").write_text(edited)
    ingest([corpus], settings.index, embedder=embedder)
    store = _store(settings, embedder)
    rows = _rows(store)
    assert [m["source"] for m in rows.values() if EXTRA in str(m["text"])] == ["Paper B"]
    assert {r.article.source: r.first_id for r in store.members.scan()} == {"Paper C": heir.pop()}


@pytest.mark.parametrize("stored", [1, 2, 3])
def test_an_edit_of_a_first_copy_killed_midway_is_finished_by_the_next_run(
    tmp_path: Path, settings, embedder, stored: int
) -> None:
    """Killed after the copies were planned again (or part of them) but before the first copy was rewritten,
    or while it was: the next ingest still sees the edit and leaves each paragraph embedded once."""
    corpus = _wire(tmp_path / "wire")
    ingest([corpus], settings.index, embedder=embedder)
    _write(corpus, "a.md", "Wire A", BODY + "\n\n" + EXTRA, "EU sets its 5G stance")
    env = {"NEWSBOT_DATA_DIR": str(settings.index.data_dir)}
    args = ("--die-after-batches", str(stored), "--batch-chunks", "1", str(corpus))
    killed = run_crash_ingest(*args, cwd=tmp_path, env=env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert ingest([corpus], settings.index, embedder=embedder).errors == []
    store = _store(settings, embedder)
    rows = _rows(store)
    assert [m["source"] for m in rows.values() if EXTRA in str(m["text"])] == ["Wire A"]
    assert not [m for m in rows.values() if m["source"] in {"Paper B", "Paper C"}]
    manifest = Manifest.load(store, manifest_path(settings.index))
    assert len(manifest.articles) == 4 and all(a.complete for a in manifest.articles.values())
    again = ingest([corpus], settings.index, embedder=embedder)
    assert (again.articles_unchanged, again.chunks_added, again.chunks_removed) == (4, 0, 0)


def test_a_copy_edited_into_another_story_moves_to_it(tmp_path: Path, settings, embedder) -> None:
    corpus = _wire(tmp_path / "wire")
    ingest([corpus], settings.index, embedder=embedder)
    _write(corpus, "c.md", "Paper C", "By the farm desk\n\n" + OTHER, "EU 5G")  # same title: same id
    report = ingest([corpus], settings.index, embedder=embedder)
    assert (report.articles_updated, report.duplicates) == (1, 1), report
    store = _store(settings, embedder)
    stories = {r.article.source: r.story_id for r in store.members.scan()}
    firsts = {m["source"]: m for m in _rows(store).values() if not m.get("member")}
    assert stories == {"Paper B": firsts["Wire A"]["story_id"], "Paper C": firsts["Paper D"]["story_id"]}
    assert json.loads(str(firsts["Wire A"]["also_in"])) == ["Paper B"]
    assert json.loads(str(firsts["Paper D"]["also_in"])) == ["Paper C"]
    assert all(a.complete for a in Manifest.load(store, manifest_path(settings.index)).articles.values())

    _write(
        corpus, "c.md", "Paper C", EXTRA + " " + EXTRA.replace("Lisbon", "Porto").replace("spring", "autumn"), "EU 5G"
    )
    report = ingest([corpus], settings.index, embedder=embedder)
    assert (report.articles_updated, report.duplicates) == (1, 0), "now a story of its own"
    assert {r.article.source for r in store.members.scan()} == {"Paper B"}
    firsts = {m["source"]: m for m in _rows(store).values() if not m.get("member")}
    assert firsts["Paper D"]["also_in"] == "" and firsts["Paper C"]["story_id"] not in {
        firsts["Paper D"]["story_id"],
        firsts["Wire A"]["story_id"],
    }
    assert all(a.complete for a in Manifest.load(store, manifest_path(settings.index)).articles.values())


def test_story_index_is_rebuilt_from_the_store_when_its_cache_is_gone(tmp_path: Path, settings, embedder) -> None:
    ingest([_write(tmp_path / "one", "a.md", "Wire A", BODY)], settings.index, embedder=embedder)
    story_index_path(settings.index).unlink()
    report = ingest(
        [_write(tmp_path / "two", "b.md", "Paper B", "LONDON (Wire A) — " + BODY)], settings.index, embedder=embedder
    )
    assert (report.duplicates, report.chunks_added) == (1, 0)


@pytest.mark.parametrize("batches", ["2", "10"], ids=["among-first-copies", "among-copies"])
def test_a_killed_ingest_with_copies_is_repaired_by_the_next_run(tmp_path: Path, settings, embedder, batches) -> None:
    from measure.eval.stories import load

    items = load()
    originals = [i for i in items if i["kind"] == "original"][:6]
    corpus = tmp_path / "wire"
    for n, item in enumerate(originals):
        _write(corpus, f"a-first-{n}.md", f"Wire {n}", str(item["text"]), str(item["title"]))
        _write(corpus, f"b-copy-{n}.md", f"Paper {n}", "By staff\n\n" + str(item["text"]), f"Copy {n}")
    _wire(corpus)
    env = {"NEWSBOT_DATA_DIR": str(settings.index.data_dir)}
    killed = run_crash_ingest("--die-after-batches", batches, "--batch-chunks", "2", str(corpus), cwd=tmp_path, env=env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    report = ingest([corpus], settings.index, embedder=embedder)
    assert report.errors == []
    store = _store(settings, embedder)
    manifest = Manifest.load(store, manifest_path(settings.index))
    assert len(manifest.articles) == 16 and all(a.complete for a in manifest.articles.values())
    members = {r.article.source for r in store.members.scan()}
    assert members == {f"Paper {n}" for n in range(6)} | {"Paper B", "Paper C"}
    keyword = KeywordIndex.load(keyword_dir(settings.index))
    assert keyword is not None and sorted(keyword.ids) == sorted(i for i, _, _ in store.scan())
    also_in = {m["source"]: json.loads(str(m["also_in"]) or "[]") for m in _rows(store).values() if not m.get("member")}
    assert all(also_in[f"Wire {n}"] == [f"Paper {n}"] for n in range(6)), also_in
    assert also_in["Wire A"] == ["Paper B", "Paper C"] and also_in["Paper D"] == []
    again = ingest([corpus], settings.index, embedder=embedder)
    assert (again.articles_unchanged, again.chunks_added, again.chunks_removed) == (16, 0, 0)
