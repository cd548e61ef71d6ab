"""Which articles of an ingest found a story, which join one, and which copy takes over a removed first.

Ingest asks this module before it writes anything (`plan_stories`), so that every article whose chunks
the write may delete is known up front (the store's change log needs them first). The story index is
loaded from its cache when that matches the store generation, else rebuilt from the store's chunk
metadata (`open_story_index`); after the write, `refresh_also_in` brings the "also carried by" lists of
the touched stories up to date without embedding anything.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.manifest import IndexedArticle
from index.models import Article
from index.settings import IndexSettings
from index.store import Store
from index.store.schema import ALSO_IN, MEMBER, SIGNATURE, STORY_ID, MemberRecord, dump_also_in
from index.stories import StoryIndex, decode, novel_spans, signature, story_id_for

log = logging.getLogger(__name__)


def story_index_path(settings: IndexSettings) -> Path:
    return settings.data_dir / "stories" / f"{settings.collection}.pickle"


def open_story_index(store: Store, settings: IndexSettings, generation: str) -> StoryIndex:
    """The cached index for the store's generation, or one rebuilt from the first copies' signatures."""
    cached = StoryIndex.load(story_index_path(settings), generation, settings.duplicate_threshold)
    if cached is not None:
        return cached
    index = StoryIndex(settings.duplicate_threshold)
    unsigned: set[str] = set()
    for _, _, meta in store.scan(include_documents=False, where={"n": 0}):
        if meta.get(MEMBER):
            continue
        article_id = str(meta["article_id"])
        story = str(meta.get(STORY_ID) or "") or story_id_for(article_id)
        sig = decode(str(meta.get(SIGNATURE) or ""))
        if sig is None:
            unsigned.add(article_id)  # written before stories existed: signed from its chunks below
        index.add(article_id, story, sig)
    for article_id in sorted(unsigned):
        chunks = store.scan(where={"article_id": article_id})
        metas = list(chunks)
        story = str(metas[0][2].get(STORY_ID) or "") or story_id_for(article_id) if metas else story_id_for(article_id)
        index.add(article_id, story, signature(text_from_chunks(metas)))
    return index


def text_from_chunks(rows: list[tuple[str, str, dict[str, object]]]) -> str:
    """An article's text put back together from its (overlapping) chunks by their offsets."""
    if not rows:
        return ""
    end = max(int(m["end"]) for _, _, m in rows)  # type: ignore[call-overload]
    buffer = [" "] * end
    for _, text, meta in rows:
        start = int(meta["start"])  # type: ignore[call-overload]
        buffer[start : start + len(text)] = text
    return "".join(buffer)


@dataclass
class StoryPlan:
    """What an ingest writes: first copies (with their story), copies that join one, and the bookkeeping."""

    firsts: list[Article] = field(default_factory=list)
    members: list[tuple[MemberRecord, list[tuple[int, int]]]] = field(default_factory=list)
    story_of: dict[str, str] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)
    promoted: list[str] = field(default_factory=list)
    recopied: list[str] = field(default_factory=list)
    """Copies already indexed, written again because their first copy was edited (`_recopy`)."""
    touched_stories: set[str] = field(default_factory=set)

    @property
    def duplicates(self) -> int:
        """Articles of this ingest that joined a story (not the copies planned again)."""
        return len(self.members) - len(self.recopied)


def plan_stories(
    todo: list[Article],
    indexed: dict[str, IndexedArticle],
    gone: list[str],
    index: StoryIndex,
    store: Store,
) -> StoryPlan:
    """Decide each article's story. Gone first copies are replaced first (their earliest remaining copy is
    promoted), so no article joins a story through a copy this very write removes."""
    from index.stories import encode

    plan = StoryPlan()
    todo_ids = {a.id for a in todo}
    gone_ids = set(gone)
    texts: dict[str, str] = {}
    for article_id in gone:
        state = indexed[article_id]
        index.remove(article_id)
        if state.story_id:
            plan.touched_stories.add(state.story_id)
        if state.member or not state.story_id:
            continue
        heirs = [
            r
            for r in store.members.of_story(state.story_id, documents=True)
            if r.article.id not in gone_ids and r.article.id not in todo_ids
        ]
        if heirs:
            heir = min(heirs, key=lambda r: (r.article.date or "9999-99-99", r.article.id))
            plan.promoted.append(heir.article.id)
            _first(plan, index, heir.article, state.story_id, texts, encode)
    for article in sorted(todo, key=lambda a: a.date or "9999-99-99"):
        known = indexed.get(article.id)
        if known is not None and known.member and known.story_id:
            plan.touched_stories.add(known.story_id)
        if known is not None and known.complete and not known.member:
            story = known.story_id or story_id_for(article.id)
            plan.touched_stories.add(story)  # an updated first copy: its chunks are written anew
            _first(plan, index, article, story, texts, encode)
            _recopy(plan, store, article, story, todo_ids | gone_ids)
            continue
        index.remove(article.id)
        sig = signature(article.text)
        match = index.match(sig, exclude=article.id)
        if match is None:
            story = known.story_id if known is not None and known.story_id and not known.member else ""
            _first(plan, index, article, story or story_id_for(article.id), texts, encode, sig)
            continue
        first_text = texts.get(match.article_id)
        if first_text is None:
            rows = list(store.scan(where={"article_id": match.article_id}))
            first_text = texts[match.article_id] = text_from_chunks(rows)
        record = MemberRecord(article, match.story_id, match.article_id, match.similarity, 0)
        plan.members.append((record, novel_spans(first_text, article.text)))
        plan.story_of[article.id] = match.story_id
        plan.touched_stories.add(match.story_id)
    return plan


def _first(plan, index, article, story, texts, encode, sig=None) -> None:  # type: ignore[no-untyped-def]
    sig = sig if sig is not None else signature(article.text)
    plan.firsts.append(article)
    plan.story_of[article.id] = story
    texts[article.id] = article.text
    if sig is not None:
        plan.signatures[article.id] = encode(sig)
    index.add(article.id, story, sig)


def _recopy(plan: StoryPlan, store: Store, first: Article, story: str, skip: set[str]) -> None:
    """Plan the copies of an edited first copy again: what each adds is measured against the new text, so a
    paragraph the first copy now carries is not embedded twice, and one it dropped is searchable again."""
    for record in store.members.of_story(story, documents=True):
        if record.article.id in skip:
            continue
        again = replace(record, first_id=first.id, n_chunks=0)  # after a promotion it named the removed first
        plan.members.append((again, novel_spans(first.text, record.article.text)))
        plan.story_of[record.article.id] = story
        plan.recopied.append(record.article.id)


def refresh_also_in(store: Store, stories: set[str]) -> int:
    """Set every chunk's `also_in` of these stories to the other outlets carrying it; returns chunks changed."""
    changed: dict[str, dict[str, object]] = {}
    for story in sorted(s for s in stories if s):
        outlets = [r.article.source for r in store.members.of_story(story)]
        rows = list(store.scan(include_documents=False, where={STORY_ID: story}))
        outlets += [str(m.get("source", "")) for _, _, m in rows if not m.get(MEMBER)]
        for chunk_id, _, meta in rows:
            own = str(meta.get("source", ""))
            value = dump_also_in([o for o in outlets if o and o != own])
            if meta.get(ALSO_IN, "") != value:
                changed[chunk_id] = {**meta, ALSO_IN: value}
    if changed:
        store.update_metadata(changed)
    return len(changed)


def member_stories(store: Store) -> set[str]:
    """Every story that has a copy beside its first (to repair `also_in` after an interrupted write)."""
    found: dict[str, int] = defaultdict(int)
    for record in store.members.scan():
        found[record.story_id] += 1
    return set(found)
