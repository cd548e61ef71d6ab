"""The entry module for running HTTP mode under a production server, the way the README's Deploying
section describes:

    gunicorn -w 4 --threads 8 -b 0.0.0.0:3000 bot.slack.entry:application     # WSGI
    uvicorn bot.slack.entry:app --host 0.0.0.0 --port 3000 --workers 4        # ASGI

`application` (WSGI) and `app` (ASGI) are built on first access, once per process, from the environment
and `.env` exactly as `newsbot slack --http` builds its app: credentials checked (the signing secret is
required), the index opened and warmed, the token checked with auth.test. Importing the module alone
builds nothing, and each server worker process builds its own bot (do not use gunicorn's `--preload`:
the answer threads would not survive the fork).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from bot.settings import Settings
from bot.slack import credentials
from bot.slack.app import SlackBot, create_app

log = logging.getLogger(__name__)

_lock = threading.RLock()
_built: dict[str, Any] = {}


def build_bot(settings: Settings | None = None) -> SlackBot:
    """The HTTP-mode bot from `settings` (default: the environment and `.env`)."""
    from bot.core.pipeline import Pipeline

    settings = settings or Settings.from_env()
    credentials.bot_token(settings.slack)
    credentials.api_url(settings.slack)
    credentials.signing_secret(settings.slack)
    pipeline = Pipeline(settings).warm()
    return create_app(settings, pipeline)


def _wsgi(bot: SlackBot) -> Any:
    from bot.slack.server import wsgi_app

    return wsgi_app(bot)


def _asgi(bot: SlackBot) -> Any:
    from bot.slack.asgi import asgi_app

    return asgi_app(bot)


_FACTORIES = {"application": _wsgi, "app": _asgi}


def __getattr__(name: str) -> Any:
    if name not in _FACTORIES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _lock:
        if "bot" not in _built:
            _built["bot"] = build_bot()
            log.info("newsbot: Slack HTTP app ready")
        if name not in _built:
            _built[name] = _FACTORIES[name](_built["bot"])
        return _built[name]
