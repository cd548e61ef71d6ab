"""Soak test: thousands of questions in a row through one ChatSession and through the Slack app.

Not a unit test: it runs for minutes. It builds an index (the MultiHop-RAG dev corpus when
../shared/eval/multihop-rag-dev is present, else seeds/), then asks N questions (cycled from the
dataset and varied) through

- `session`: one `ChatSession`, follow-ups included, as a long REPL conversation would;
- `slack`: the real Bolt app served in HTTP mode on 127.0.0.1, driven by Slack-signed `app_mention`
  events, its Web API calls answered by the local Slack API server of the test suite.

It measures RSS after a warm-up and at the end, and latency p50/p95 per window of questions, prints a
JSON summary, and exits 1 when any question fails or RSS grows more than the allowed share after the
warm-up. Usage, from a checkout (the Slack path uses the test suite's Slack API server in tests/support/):
`python -m measure.soak [--questions 2000] [--paths session,slack] [--data-dir DIR]`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pydantic import SecretStr  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bot.core.models import Answer  # noqa: E402
from bot.core.pipeline import Pipeline  # noqa: E402
from bot.core.session import ChatSession  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.slack.app import create_app  # noqa: E402
from bot.slack.server import serve  # noqa: E402
from index.ingest import ingest  # noqa: E402
from tests.support.slack_api import BOT_USER_ID, TEAM_ID, SlackApiServer  # noqa: E402

MULTIHOP = REPO.parent / "shared" / "eval" / "multihop-rag-dev"
SEED_QUESTIONS = [
    "What did ZTE say about source code?",
    "Which companies did the EU blueprint exclude?",
    "What did Huawei welcome?",
    "When was the EU 5G recommendation published?",
    "Who attended the event?",
]
FOLLOW_UPS = ["And when was that?", "Who said so?", "Why?", "What happened next?"]
VARIANTS: tuple[Callable[[str], str], ...] = (
    lambda q: q,
    lambda q: q.lower(),
    lambda q: f"Tell me: {q}",
    lambda q: q.rstrip("?") + ", according to the articles?",
    lambda q: f"{q} Please cite the sources.",
)
BOT_TOKEN = "xoxb-soak-0000-token"
SIGNING_SECRET = "soak-signing-secret-0123456789"


def rss_bytes() -> int:
    """Resident set size of this process: psutil when installed, else /proc/self/status."""
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except ImportError:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("cannot read RSS: install psutil")


def corpus_and_questions() -> tuple[list[Path], list[str], str]:
    queries = MULTIHOP / "queries.jsonl"
    if (MULTIHOP / "corpus.jsonl").exists() and queries.exists():
        lines = queries.read_text("utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines if line.strip()]
        return [MULTIHOP / "corpus.jsonl"], questions, "multihop-rag-dev"
    return [REPO / "seeds"], SEED_QUESTIONS, "seeds"


def question_stream(base: list[str], n: int, follow_ups: bool) -> Iterator[str]:
    """`n` questions cycled from `base`, each pass with another wording; every 5th a follow-up."""
    for i in range(n):
        if follow_ups and i % 5 == 4:
            yield FOLLOW_UPS[i % len(FOLLOW_UPS)]
            continue
        question = base[i % len(base)]
        yield VARIANTS[(i // len(base)) % len(VARIANTS)](question)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Probe:
    """Latencies, failures and RSS of one soak path."""

    def __init__(self, name: str, warmup: int, window: int) -> None:
        self.name, self.warmup, self.window = name, warmup, window
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.refused = 0
        self.rss_start = rss_bytes()
        self.rss_warm = 0
        self.rss_samples: list[int] = []

    def record(self, i: int, seconds: float, answer: Answer | None, error: str | None) -> None:
        self.latencies.append(seconds * 1000)
        if error:
            self.failures.append(f"#{i}: {error}")
        elif answer is not None and answer.refused:
            self.refused += 1
        if i + 1 == self.warmup:
            gc.collect()
            self.rss_warm = rss_bytes()
        if (i + 1) % 100 == 0:
            self.rss_samples.append(rss_bytes())

    def summary(self, max_growth: float) -> dict[str, Any]:
        gc.collect()
        rss_end = rss_bytes()
        growth = (rss_end - self.rss_warm) / self.rss_warm if self.rss_warm else 0.0
        windows = [self.latencies[i : i + self.window] for i in range(0, len(self.latencies), self.window)]
        return {
            "path": self.name,
            "questions": len(self.latencies),
            "failures": len(self.failures),
            "failure_examples": self.failures[:5],
            "refused": self.refused,
            "rss_mb": {
                "start": round(self.rss_start / 2**20, 1),
                "after_warmup": round(self.rss_warm / 2**20, 1),
                "end": round(rss_end / 2**20, 1),
                "max": round(max(self.rss_samples, default=rss_end) / 2**20, 1),
                "growth_after_warmup": round(growth, 4),
            },
            "latency_ms_per_window": [
                {
                    "questions": f"{n * self.window + 1}-{n * self.window + len(w)}",
                    "p50": round(statistics.median(w), 1),
                    "p95": round(percentile(w, 0.95), 1),
                }
                for n, w in enumerate(windows)
            ],
            "ok": not self.failures and growth <= max_growth,
        }


def soak_session(pipeline: Pipeline, questions: list[str], n: int, probe: Probe) -> None:
    session = ChatSession(pipeline)
    for i, question in enumerate(question_stream(questions, n, follow_ups=True)):
        started = time.perf_counter()
        answer, error = None, None
        try:
            answer = session.ask(question)
            if not answer.refused and not answer.citations:
                error = "an answer without citations"
        except Exception as exc:  # a soak counts failures, whatever they are
            error = f"{type(exc).__name__}: {exc}"
        probe.record(i, time.perf_counter() - started, answer, error)


def _signed_post(url: str, body: bytes) -> int:
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body) or ""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(response.status)


def soak_slack(settings: Settings, pipeline: Pipeline, questions: list[str], n: int, probe: Probe) -> None:
    with SlackApiServer(BOT_TOKEN) as api:
        slack_settings = settings.with_overrides(
            slack_bot_token=SecretStr(BOT_TOKEN),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=api.url,
            slack_rate_limit_per_min=1_000_000,
        )
        bot = create_app(slack_settings, pipeline)
        server = serve(bot, "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}/slack/events"
        try:
            for i, question in enumerate(question_stream(questions, n, follow_ups=False)):
                user = f"U0USER{i % 7}"
                message = api.add_message("C0SOAK", user, f"<@{BOT_USER_ID}> {question}")
                event = {**message, "type": "app_mention", "channel": "C0SOAK", "event_ts": message["ts"]}
                body = {
                    "team_id": TEAM_ID,
                    "api_app_id": "A0SOAK",
                    "event": event,
                    "type": "event_callback",
                    "event_id": f"Ev{i:08d}",
                    "event_time": int(time.time()),
                }
                started = time.perf_counter()
                error = None
                try:
                    status = _signed_post(url, json.dumps(body).encode())
                    [posted] = api.wait_for("chat.postMessage", 1, timeout=120)
                    if status != 200:
                        error = f"HTTP {status}"
                    elif posted.params.get("text", "").startswith("Sorry"):
                        error = "the app apologised (the pipeline raised)"
                except Exception as exc:
                    error = f"{type(exc).__name__}: {exc}"
                seconds = time.perf_counter() - started
                bot.wait_idle(60)
                with api.state.lock:  # the fake Slack keeps what it saw: forget it, it is not the app's memory
                    api.state.calls.clear()
                    api.state.messages.clear()
                probe.record(i, seconds, None, error)
        finally:
            server.shutdown()
            server.server_close()
            bot.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--paths", default="session,slack")
    parser.add_argument("--window", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--max-growth", type=float, default=0.10)
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse an index here (built when missing)")
    args = parser.parse_args()

    for key in [k for k in os.environ if k.startswith(("NEWSBOT_", "OPENAI_", "SLACK_", "CHROMA_"))]:
        del os.environ[key]
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="newsbot-soak-")) / "data"
    settings = Settings.from_env(None, data_dir=data_dir, llm_setting="extractive")
    inputs, questions, corpus = corpus_and_questions()
    started = time.perf_counter()
    report = ingest(inputs, settings.index)
    ingest_s = time.perf_counter() - started
    if report.errors:
        print(json.dumps({"ingest_errors": [e.__dict__ for e in report.errors]}), file=sys.stderr)
        return 1
    pipeline = Pipeline(settings).warm()

    results = []
    for path in args.paths.split(","):
        probe = Probe(path, args.warmup, args.window)
        if path == "session":
            soak_session(pipeline, questions, args.questions, probe)
        elif path == "slack":
            soak_slack(settings, pipeline, questions, args.questions, probe)
        else:
            parser.error(f"unknown path {path!r}: use session and/or slack")
        results.append(probe.summary(args.max_growth))
    summary = {
        "corpus": corpus,
        "questions_per_path": args.questions,
        "ingest_seconds": round(ingest_s, 1),
        "rss_source": "psutil" if _has_psutil() else "/proc/self/status VmRSS",
        "paths": results,
        "ok": all(r["ok"] for r in results),
    }
    print(json.dumps(summary, indent=2))
    return 0 if summary["ok"] else 1


def _has_psutil() -> bool:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
