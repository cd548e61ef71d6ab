"""`bench --scale-chunks N`: query speed, cold start, memory, disk and freshness on an archive of N chunks.

The archive comes from `measure.bench.archive` (built once, reused with `--keep`). Freshness is what a
newsroom feels: a worker is already answering from the archive, 100 new real articles (embedded for real)
are ingested into it, and we time the ingest and how long after it started the worker cites a new article.
The same 100 articles are also ingested into an empty index, the yardstick for that time.

With `server=True` the archive lives in a real `chroma run` on 127.0.0.1 (started here, its files under
the archive folder), and every phase, the worker and the ingest talk to it over HTTP, as a deployment
with a Chroma server does; the server's own peak memory is reported beside the worker's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from measure.bench.chroma_server import ChromaServer
from measure.bench.phases import disk_bytes, environment, in_fresh_process, phase_ingest, phase_queries

MARKER = "Quorvantic"
VISIBLE_TIMEOUT_S = 600.0
WORKER = """
import json, sys, time
started = time.perf_counter()
from bot.core.pipeline import Pipeline
from bot.settings import Settings
pipeline = Pipeline(Settings.from_env(None, data_dir=sys.argv[1])).warm()
answer = pipeline.answer(sys.argv[2])
print(json.dumps({"ready_s": time.perf_counter() - started}), flush=True)
for line in sys.stdin:
    answer = pipeline.answer(line.strip())
    print(json.dumps([c.article_id for c in answer.citations]), flush=True)
"""


def write_fresh_articles(path: Path, n: int = 100) -> tuple[Path, str, str]:
    """`n` bench articles (seeded) under ids new to a kept archive; the first names a made-up commission.

    Returns the corpus, the marked article's id and a question only it answers.
    """
    from measure.bench.corpus import make_articles

    tag = uuid.uuid4().hex[:8]
    articles = make_articles(n, seed=23)
    for article in articles:
        article["id"] = article["id"].replace("bench-", f"fresh-{tag}-")
    marker = f"{MARKER}{tag}"
    articles[0]["text"] += f"\n\nThe {marker} commission decided to reopen the port after a four-week closure."
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path, str(articles[0]["id"]), f"What did the {marker} commission decide?"


def _worker(data_dir: Path, question: str) -> tuple[subprocess.Popen[str], float]:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(data_dir), question],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert worker.stdout is not None
    line = worker.stdout.readline()
    if not line:
        worker.kill()
        raise RuntimeError("the bench's query worker died before its first answer")
    return worker, float(json.loads(line)["ready_s"])


def _cites(worker: subprocess.Popen[str], question: str) -> list[str]:
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(question + "\n")
    worker.stdin.flush()
    return [str(a) for a in json.loads(worker.stdout.readline())]


def _worker_rss_mb(pid: int) -> float:
    """Resident memory of a live process (Linux), MB; 0 where /proc is missing."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def freshness(archive: Path, workdir: Path, n_articles: int = 100) -> dict[str, Any]:
    """Ingest new articles while a worker answers from the archive; time until it cites one."""
    corpus, fresh_id, question = write_fresh_articles(workdir / "fresh" / "articles.jsonl", n_articles)
    with environment(NEWSBOT_COLLECTION=f"fresh-empty-{uuid.uuid4().hex[:8]}"):  # its own, on a server too
        empty = in_fresh_process(phase_ingest, corpus, workdir / "fresh-empty")
    worker, ready_s = _worker(archive, question)
    try:
        assert fresh_id not in _cites(worker, question)
        started = time.perf_counter()
        ingest = subprocess.Popen(
            [sys.executable, "-c", "import json,sys; from measure.bench.phases import phase_ingest; "
             "from pathlib import Path; print(json.dumps(phase_ingest(Path(sys.argv[1]), Path(sys.argv[2]))))",
             str(corpus), str(archive)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        out, _ = ingest.communicate()
        ingested_s = time.perf_counter() - started
        report = json.loads(out.strip().splitlines()[-1])
        visible_s = None
        while time.perf_counter() - started < VISIBLE_TIMEOUT_S:
            if fresh_id in _cites(worker, question):
                visible_s = time.perf_counter() - started
                break
            time.sleep(0.2)
        rss = _worker_rss_mb(worker.pid)
    finally:
        worker.kill()
        worker.wait()
    return {
        "articles": report["articles_added"],
        "ingest_s": round(ingested_s, 2),
        "ingest_into_empty_s": round(empty["seconds"], 2),
        "searchable_after_s": None if visible_s is None else round(visible_s, 2),
        "worker_ready_s": round(ready_s, 2),
        "worker_peak_rss_mb": round(rss, 1),
    }


def phase_build(archive: Path, n_chunks: int) -> dict[str, Any]:
    from measure.bench.archive import build_archive

    return build_archive(archive, n_chunks, log=lambda m: print(m, file=sys.stderr, flush=True))


def run_scale(
    archive: Path,
    workdir: Path,
    n_chunks: int,
    questions: list[str],
    log: Any,
    fresh_articles: int = 100,
    *,
    server: bool = False,
) -> dict[str, Any]:
    """Every figure of the scale bench for an archive of `n_chunks` (built here unless already there)."""
    chroma = ChromaServer(archive / "chroma-server").start() if server else None
    where = f"a Chroma server on port {chroma.port}" if chroma else "embedded Chroma"
    try:
        with environment(**(chroma.env if chroma else {})):
            log(f"scale 1/3 archive of {n_chunks} chunks at {archive} ({where}) ...")
            built = in_fresh_process(phase_build, archive, n_chunks)
            log("scale 2/3 queries ...")
            queries = in_fresh_process(phase_queries, archive, questions)
            log(f"scale 3/3 {fresh_articles} new articles while a worker answers ...")
            fresh = freshness(archive, workdir, fresh_articles)
        server_rss = _worker_rss_mb(chroma.process.pid) if chroma and chroma.process else None
    finally:
        if chroma is not None:
            chroma.stop()
    return {
        "chroma": "server" if server else "embedded",
        "chunks": queries["chunks"],
        "build_seconds": round(built["seconds"], 1),
        "build_reused": built["reused"],
        "retrieve_ms": queries["retrieve_ms"],
        "answer_ms": queries["answer_ms"],
        "query_worker_peak_rss_mb": round(max(queries["peak_rss_mb"], fresh["worker_peak_rss_mb"]), 1),
        "chroma_server_peak_rss_mb": None if server_rss is None else round(server_rss, 1),
        "cold_start_to_first_answer_s": fresh["worker_ready_s"],
        "disk_bytes": disk_bytes(archive),
        "fresh": fresh,
    }
