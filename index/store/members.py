"""The members collection: copies that joined a story, one record each, never embedded.

Chroma keeps a vector with every record, so the members live in a collection of their own beside the
chunks (named `<collection>-members`), each with the same one-dimensional placeholder vector; nothing
ever searches it by vector. Queries never see it, so a wire copy cannot fill an answer's citations;
the manifest and the story bookkeeping read it. It is written only inside the main collection's
begin/end write, under the same lock and lease.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, TypeVar

from index.errors import StoreError
from index.store.schema import STORY_ID, MemberRecord

T = TypeVar("T")
PAGE = 5000
PLACEHOLDER = [0.0]


def members_name(collection: str) -> str:
    return f"{collection}-members"


class Members:
    """Read and write member records; `call` is the store's retrying wrapper around one Chroma call."""

    def __init__(self, client: Any, collection: str, call: Callable[[str, Callable[[], Any]], Any]) -> None:
        self._client = client
        self._name = members_name(collection)
        self._call = call
        self._collection: Any = None

    def _open(self, create: bool) -> Any:
        if self._collection is None:
            if create:
                self._collection = self._call(
                    "open the members collection",
                    lambda: self._client.get_or_create_collection(
                        self._name, metadata={"hnsw:space": "l2"}, embedding_function=None
                    ),
                )
            else:
                try:
                    self._collection = self._call(
                        "open the members collection",
                        lambda: self._client.get_collection(self._name, embedding_function=None),
                    )
                except StoreError:
                    raise
                except Exception:  # not created yet: no copy has joined a story
                    return None
        return self._collection

    def count(self) -> int:
        collection = self._open(create=False)
        return 0 if collection is None else int(self._call("count members", collection.count))

    def add(self, records: Sequence[MemberRecord], seq: int) -> None:
        if not records:
            return
        collection = self._open(create=True)
        ids = [r.article.id for r in records]
        self._call(
            "add members",
            lambda: collection.upsert(
                ids=ids,
                embeddings=[PLACEHOLDER] * len(ids),
                documents=[r.article.text for r in records],
                metadatas=[r.metadata(seq) for r in records],
            ),
        )

    def delete(self, ids: Sequence[str]) -> None:
        collection = self._open(create=False)
        if collection is None or not ids:
            return
        for start in range(0, len(ids), PAGE):
            batch = list(ids[start : start + PAGE])
            self._call("delete members", lambda batch=batch: collection.delete(ids=batch))

    def scan(self, where: dict[str, Any] | None = None, documents: bool = False) -> Iterator[MemberRecord]:
        """Every record (or those `where` selects); without `documents` the article text is empty."""
        collection = self._open(create=False)
        if collection is None:
            return
        include = ["metadatas", "documents"] if documents else ["metadatas"]
        offset = 0
        while True:
            get = partial(collection.get, where=where, include=include, limit=PAGE, offset=offset)
            page = self._call("scan members", get)
            if not page["ids"]:
                return
            texts = page.get("documents") or [""] * len(page["ids"])
            for text, meta in zip(texts, page["metadatas"], strict=True):
                yield MemberRecord.from_store(text or "", meta)
            offset += len(page["ids"])

    def get(self, ids: Sequence[str]) -> dict[str, MemberRecord]:
        collection = self._open(create=False)
        if collection is None or not ids:
            return {}
        page = self._call("get members", lambda: collection.get(ids=list(ids), include=["metadatas", "documents"]))
        return {
            i: MemberRecord.from_store(d or "", m)
            for i, d, m in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
        }

    def of_story(self, story_id: str, documents: bool = False) -> list[MemberRecord]:
        return list(self.scan(where={STORY_ID: story_id}, documents=documents))
