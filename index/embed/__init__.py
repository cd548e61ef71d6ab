"""Embedders behind one factory chosen by `NEWSBOT_EMBEDDER` (`local` | `openai:<model>`)."""

from __future__ import annotations

from collections.abc import Callable

from index.embed.base import Embedder
from index.settings import Settings


def _local(_: str, __: Settings) -> Embedder:
    from index.embed.local import LocalOnnxEmbedder

    return LocalOnnxEmbedder()


def _openai(model: str, settings: Settings) -> Embedder:
    from index.embed.openai import OpenAIEmbedder

    if not model:
        raise ValueError("NEWSBOT_EMBEDDER=openai:<model> needs a model, e.g. openai:text-embedding-3-small")
    return OpenAIEmbedder(model, settings)


REGISTRY: dict[str, Callable[[str, Settings], Embedder]] = {"local": _local, "openai": _openai}


def make_embedder(settings: Settings) -> Embedder:
    kind, _, model = settings.embedder.partition(":")
    if kind not in REGISTRY:
        choices = ", ".join(f"{k}" for k in REGISTRY)
        raise ValueError(f"unknown NEWSBOT_EMBEDDER {settings.embedder!r}: use one of {choices}")
    return REGISTRY[kind](model, settings)


__all__ = ["Embedder", "make_embedder"]
