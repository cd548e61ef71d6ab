"""The fake Web API's methods for AI apps: assistant threads and the agent view's Messages tab, message
streaming with task and plan chunks, agent sessions' status, and Socket Mode's `apps.connections.open`,
checked the way Slack checks them.

A streamed message is stored like any other, so a thread read back shows it: `chat.startStream` posts it
with the first text (or progress chunks alone), `chat.appendStream` adds text or chunks while it is
streaming, `chat.stopStream` adds the last text, the blocks under it and the metadata, and ends the stream
(after that only `chat.update` changes it). Chunks are parsed with slack_sdk's own chunk models, so one
the SDK does not know is refused, as Slack would. `state.no_chunks` plays a workspace that streams text
but refuses task and plan chunks.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.messages.chunk import Chunk

from tests.support.slack_api import BOT_ID, BOT_USER_ID, SlackApiState, _next_ts, find_message

STREAMING = "streaming"
TASKS = "tasks"
DISPLAY_MODES = {"plan", "timeline"}
SESSION_STATUSES = {"active", "processing", "suspended", "closed"}


def _text(params: dict[str, Any]) -> str:
    """The markdown a streaming call carries, as `markdown_text` or as markdown_text chunks."""
    chunks = [c.get("text", "") for c in params.get("chunks") or [] if c.get("type") == "markdown_text"]
    return (params.get("markdown_text") or "") + "".join(chunks)


def chunks_problem(state: SlackApiState, params: dict[str, Any]) -> str | None:
    """Why Slack would refuse the call's chunks (None: it takes them)."""
    chunks = params.get("chunks")
    if chunks is None:
        return None
    if not isinstance(chunks, list) or not chunks:
        return "invalid_chunks"
    if getattr(state, "no_chunks", False) and any(c.get("type") != "markdown_text" for c in chunks):
        return "invalid_chunks"
    for chunk in chunks:
        try:
            parsed = Chunk.parse(chunk)
            if parsed is None:
                return "invalid_chunks"
            parsed.validate_json()
        except (SlackObjectFormationError, TypeError):
            return "invalid_chunks"
    if params.get("task_display_mode") is not None and params["task_display_mode"] not in DISPLAY_MODES:
        return "invalid_task_display_mode"
    return None


def _tasks(message: dict[str, Any], params: dict[str, Any]) -> None:
    """Keep the message's task cards as Slack shows them: the latest update of each task id."""
    for chunk in params.get("chunks") or []:
        if chunk.get("type") == "task_update":
            tasks = message.setdefault(TASKS, {})
            tasks[chunk["id"]] = {**tasks.get(chunk["id"], {}), **chunk}
        elif chunk.get("type") == "plan_update":
            message["plan_title"] = chunk["title"]


def _start(state: SlackApiState, params: dict[str, Any]) -> dict[str, Any]:
    channel, thread_ts = params.get("channel"), params.get("thread_ts")
    if not channel or not thread_ts:
        return {"ok": False, "error": "invalid_arguments"}
    if not channel.startswith("D") and not (params.get("recipient_user_id") and params.get("recipient_team_id")):
        return {"ok": False, "error": "missing_recipient_user_id"}
    problem = chunks_problem(state, params)
    if problem:
        return {"ok": False, "error": problem}
    message = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": _text(params),
        "blocks": [],
        "ts": _next_ts(state),
        "thread_ts": thread_ts,
        STREAMING: True,
    }
    _tasks(message, params)
    state.messages.setdefault(channel, []).append(message)
    return {"ok": True, "channel": channel, "ts": message["ts"]}


def _streaming_message(state: SlackApiState, params: dict[str, Any]) -> dict[str, Any] | None:
    message = find_message(state, params.get("channel", ""), params.get("ts", ""))
    return message if message is not None and message.get(STREAMING) else None


def _append(state: SlackApiState, params: dict[str, Any]) -> dict[str, Any]:
    message = _streaming_message(state, params)
    if message is None:
        return {"ok": False, "error": "message_not_in_streaming_state"}
    problem = chunks_problem(state, params)
    if problem:
        return {"ok": False, "error": problem}
    message["text"] += _text(params)
    _tasks(message, params)
    return {"ok": True, "channel": params["channel"], "ts": message["ts"]}


def _stop(state: SlackApiState, params: dict[str, Any]) -> dict[str, Any]:
    message = _streaming_message(state, params)
    if message is None:
        return {"ok": False, "error": "message_not_in_streaming_state"}
    message["text"] += _text(params)
    message["blocks"] = params.get("blocks") or []
    if params.get("metadata"):
        message["metadata"] = params["metadata"]
    del message[STREAMING]
    return {"ok": True, "channel": params["channel"], "ts": message["ts"], "message": dict(message)}


def _assistant(params: dict[str, Any], needs: str, *, thread: bool = True) -> dict[str, Any]:
    """Thread methods need the thread; suggested prompts in the agent view's Messages tab go without one."""
    if not params.get("channel_id") or (thread and not params.get("thread_ts")) or needs not in params:
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True}


def answer_ai(state: SlackApiState, method: str, params: dict[str, Any]) -> dict[str, Any]:
    if method == "chat.startStream":
        return _start(state, params)
    if method == "chat.appendStream":
        return _append(state, params)
    if method == "chat.stopStream":
        return _stop(state, params)
    if method == "assistant.threads.setStatus":
        return _assistant(params, "status")
    if method == "assistant.threads.setTitle":
        return _assistant(params, "title")
    if method == "assistant.threads.setSuggestedPrompts":
        return _assistant(params, "prompts", thread=False)
    if method == "agents.sessions.setStatus":
        if not params.get("channel_id") or not params.get("thread_ts"):
            return {"ok": False, "error": "invalid_arguments"}
        if params.get("status") not in SESSION_STATUSES:
            return {"ok": False, "error": "invalid_status"}
        return {"ok": True}
    if method == "apps.connections.open":
        if not state.socket_url:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": state.socket_url}
    return {"ok": False, "error": "unknown_method"}
