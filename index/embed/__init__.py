"""Embedders behind one factory chosen by `NEWSBOT_EMBEDDER` (`local` | `openai:<model>`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from index.embed.base import Embedder
from index.errors import SettingsError
from index.settings import IndexSettings, OpenAISettings


def _local(_: str, __: OpenAISettings, short_lived: bool) -> Embedder:
    return _shared_local(short_lived)


@cache
def _shared_local(short_lived: bool) -> Embedder:
    """One ONNX session per process: an eval's ingest and its pipeline, or a Slack app's pipelines, share it
    (a session is safe to run from several threads, and each costs ~0.3-1 s to build and ~90 MB)."""
    from index.embed.local import LocalOnnxEmbedder

    return LocalOnnxEmbedder(short_lived=short_lived)


def _openai(model: str, openai: OpenAISettings, _: bool) -> Embedder:
    from index.embed.openai import OpenAIEmbedder

    if not model:
        raise SettingsError("NEWSBOT_EMBEDDER=openai:<model> needs a model, e.g. openai:text-embedding-3-small")
    return OpenAIEmbedder(model, openai)


REGISTRY: dict[str, Callable[[str, OpenAISettings, bool], Embedder]] = {"local": _local, "openai": _openai}


def make_embedder(index: IndexSettings, openai: OpenAISettings | None = None, *, short_lived: bool = False) -> Embedder:
    """The embedder `index.embedder` names; `openai` gives the key and server for `openai:<model>`.
    `short_lived`: the process embeds a question or two and exits, so the local model starts fast rather
    than runs fast (`LocalOnnxEmbedder`)."""
    kind, _, model = index.embedder.partition(":")
    if kind not in REGISTRY:
        choices = ", ".join(f"{k}" for k in REGISTRY)
        raise SettingsError(f"unknown NEWSBOT_EMBEDDER {index.embedder!r}: use one of {choices}")
    return REGISTRY[kind](model, openai or OpenAISettings.read(), short_lived)


__all__ = ["Embedder", "make_embedder"]
