"""Benchmark: the full-text search on 10,000 and 100,000 synthetic suggestions, on each backend.

For Whoosh (its index in a temporary folder, the records in a temporary SQLite database) and, when the
server answers, for PostgreSQL (a database of its own, `bench_search`, made beside BENCH_POSTGRES_URL's and
dropped afterwards): a full rebuild (services.rebuild: records → segmenter → backend), the index's size,
ranked queries of one and two words and the same queries newest first (queries.search as the office: the
request, the backend, the facets and the marked snippets, top 20), browsing newest first by a filter
with no words, and how long a new suggestion takes to be found: sent through the service while `flask
worker` runs as its own process (every JOBS_INTERVAL_SECONDS = 1, merging segments when idle), then searched
for every 50 ms. Prints the figures, then one JSON object as its last line.

The texts are drawn from a fixed seed, their words from jieba's dictionary by its frequencies. rjieba
compiles that dictionary into its binary (no dict.txt in the wheel, and the `jieba` package is not
installed), so the words are found by asking rjieba (`has_word`, `suggest_freq`) about candidates: every CJK
character, pairs and triples of the common ones, and every run of 2–4 characters of the demo's two reform
articles; the shipped reform terms join them. Suggestions are 50–500 characters (log-uniform: most short, a
few long), in clauses of 3–12 words. Query words (one or two) are drawn by the same frequencies from the
words of two characters or more, with a seed of their own, so common words are asked for more often, as
readers do; the report gives how many documents they match.

Then the relevance set (bench/relevance/queries.json, demo/relevance.py): its queries over the demo's texts and
RELEVANCE_DOCS generated suggestions, on each backend: recall (the mean share of the documents holding a query
that it finds; 1.0 is the promise) and MRR (the mean reciprocal rank of the document it should rank first), and
the recall the same queries had by their words alone, as before the character pairs.

Targets: Whoosh rebuild ≥ 300 docs/s and ranked p95 ≤ 50 ms at 10k; ranked p95 ≤ 100 ms at 100k on both;
newest first p95 ≤ 10 ms at 100k; PostgreSQL rebuild ≥ 2,000 docs/s; a new record found within 5 s.

    .venv/bin/python bench/search.py [--docs 10000,100000] [--queries 100] [--backends whoosh,postgresql]
        [--relevance-only]
"""

import argparse
import contextlib
import cProfile
import gc
import itertools
import json
import math
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rjieba  # noqa: E402
from fixtures import bench_app, bench_office, bench_round  # noqa: E402  (bench/fixtures.py)
from flask import current_app  # noqa: E402
from machine import report as machine_report  # noqa: E402  (bench/machine.py, beside this file)
from scratch_database import scratch_database  # noqa: E402  (bench/scratch_database.py)
from sqlalchemy import insert, select, text  # noqa: E402

from accounts.models import User  # noqa: E402
from core import clock, segmentation  # noqa: E402
from core.models import utcnow  # noqa: E402
from demo.relevance import demo_texts, generated_texts, outcomes, recall_and_mrr  # noqa: E402
from extensions import db  # noqa: E402
from search_index import queries, services  # noqa: E402
from search_index.backend import SearchRequest  # noqa: E402
from search_index.documents import OFFICE, Document  # noqa: E402
from solicitation.models import Category, Channel, Round, RoundStatus, Suggestion, SuggestionStatus  # noqa: E402
from solicitation.services.suggestions import submit_suggestion  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RELEVANCE_DOCS = 10_000  # generated suggestions the relevance set is asked over, beside the demo's texts
CORPUS = [ROOT / "demo" / "data" / name for name in ("jinwan-2023-reform-tasks.txt", "longgang-2017-reform-plan.txt")]
CATEGORIES = ("经济发展", "民生事业", "城市建设", "社会管理", "政府职能转变")
TERM_FREQUENCY = 1000  # about 电梯's or 路灯's
LOCATIONS = ("龙城街道", "平湖街道", "布吉街道", "坂田街道", "横岗街道", "")
# Before each kind of query, a backend made anew (no sets of words kept from the run before) answers these,
# which no run asks: the searcher opens and the segmenter loads, as in a server that has run a while.
WARMUP = [
    {"text": "改革开放"},
    {"text": "营商环境", "order": "newest"},
    {"text": "", "filters": {"kind": ["suggestion"]}},
]


def vocabulary() -> Counter:
    """Words of jieba's dictionary with their dictionary frequencies, as rjieba answers for them.

    rjieba has no list of its words, so candidates are asked for: every CJK character, every pair of the
    2,500 commonest, the commonest pairs with a common character before or after, and every run of 2–4
    characters of the corpus; a candidate is kept when `has_word`, with `suggest_freq` (its dictionary
    frequency). The shipped reform terms join with the frequency of a fairly common word.
    """
    jieba = rjieba.Jieba()
    found = Counter()

    def ask(candidates):
        for word in candidates:
            if word not in found and jieba.has_word(word):
                found[word] = jieba.suggest_freq(word)

    ask(chr(code) for code in range(0x4E00, 0xA000))
    chars = [word for word, _ in found.most_common(2500)]
    ask(a + b for a in chars for b in chars)
    pairs = [word for word, _ in found.most_common() if len(word) == 2][:3000]
    ask(c + pair for pair in pairs for c in chars[:300])
    ask(pair + c for pair in pairs for c in chars[:300])
    for path in CORPUS:
        corpus = path.read_text(encoding="utf-8")
        ask(corpus[i : i + size] for size in (2, 3, 4) for i in range(len(corpus) - size + 1))
    for term in segmentation.shipped_terms():
        found[term] = max(found[term], TERM_FREQUENCY)
    return found


class Writer:
    """Synthetic suggestions from a fixed seed: words by their corpus frequency, in clauses and sentences."""

    def __init__(self, words: Counter, seed: int = 7):
        self.rng = random.Random(seed)
        self.words = list(words)
        self.weights = list(itertools.accumulate(words.values()))
        content = [(word, n) for word, n in words.items() if len(word) >= 2]
        self.query_words = [word for word, _ in content]
        self.query_weights = list(itertools.accumulate(n for _, n in content))

    def text(self, length: int) -> str:
        out, size = [], 0
        while size < length:
            clause = "".join(self.rng.choices(self.words, cum_weights=self.weights, k=self.rng.randint(3, 12)))
            out.append(clause + ("。" if self.rng.random() < 0.35 else "，"))
            size += len(out[-1])
        return "".join(out)[:length].rstrip("，") + "。"

    def title(self) -> str:
        words = self.rng.choices(self.query_words, cum_weights=self.query_weights, k=self.rng.randint(2, 5))
        return self.rng.choice(("建议", "关于", "")) + "".join(words)[:40]

    def suggestion(self) -> tuple[str, str]:
        return self.title(), self.text(int(50 * 10 ** self.rng.random()))  # 50..500, log-uniform

    def query(self, n_words: int) -> str:
        return " ".join(self.rng.choices(self.query_words, cum_weights=self.query_weights, k=n_words))


def populate(n: int, texts: list[tuple[str, str]]) -> tuple[int, list[str]]:
    """Bulk-insert a round with its categories, an office user and `n` suggestions; return the user's id."""
    rng = random.Random(3)
    today = clock.today()
    round = bench_round(year=2998, status=RoundStatus.soliciting)
    office = bench_office()
    db.session.add_all([round, office])
    db.session.flush()
    categories = [Category(round_id=round.id, name=name, position=i) for i, name in enumerate(CATEGORIES)]
    db.session.add_all(categories)
    db.session.flush()
    channels, statuses = list(Channel), list(SuggestionStatus)
    now = utcnow().replace(microsecond=0)
    for first in range(0, n, 10_000):
        rows = []
        for i in range(first, min(first + 10_000, n)):
            title, content = texts[i]
            rows.append(
                {
                    "round_id": round.id,
                    "tracking_code": f"B{i:015d}",
                    "title": title,
                    "content": content,
                    "category_id": rng.choice(categories).id,
                    "location": rng.choice(LOCATIONS),
                    "channel": rng.choice(channels),
                    "status": rng.choice(statuses),
                    "is_public": rng.random() < 0.3,
                    "received_on": today - timedelta(days=rng.randint(0, 730)),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(insert(Suggestion), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return office.id


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def timed(runs: list[dict], office) -> tuple[list[float], list[float], list[int], int]:
    """Milliseconds of each queries.search call and of its backend's part (after a few unmeasured calls of
    other words), how many documents each matched (up to the count cap), and in how many the count reached the cap."""
    current_app.extensions.pop("search_backend", None)
    backend = services.backend()
    inner = []

    def search(request, _search=backend.search):
        started = time.perf_counter()
        results = _search(request)
        inner.append(1000 * (time.perf_counter() - started))
        return results

    backend.search = search  # this process's backend, for the bench only
    try:
        for kwargs in WARMUP:
            queries.search(user=office, **kwargs)
        inner.clear()
        spent, totals, capped = [], [], 0
        for kwargs in runs:
            started = time.perf_counter()
            results, _found = queries.search(user=office, **kwargs)
            spent.append(1000 * (time.perf_counter() - started))
            totals.append(results.total)
            capped += results.capped
    finally:
        del backend.search
    return spent, inner, totals, capped


def found_after(app, office_id: int, count: int, folder: str) -> list[float]:
    """Seconds from each of `count` new suggestions' commit until the office's search finds it, with the search
    worker as its own process (as production may run it), the suggestions sent 0–2 s apart."""
    env = {
        **os.environ,
        "FLASK_APP": "app",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": folder,
        "SECRET_KEY": "bench",
        "SEARCH_BACKEND": app.config["SEARCH_BACKEND"],
        "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "JOBS_INTERVAL_SECONDS": "1",
    }
    log = open(Path(folder) / "worker.log", "w")  # noqa: SIM115  (closed with the worker)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "worker"], env=env, cwd=ROOT, stdout=log, stderr=log)
    rng, delays = random.Random(5), []
    try:
        round = db.session.scalar(select(Round))
        for number in range(count):
            marker = f"fresh{number}x{rng.randrange(10**6)}"  # one word, found in this suggestion only
            fields = {"title": f"关于{marker}的建议", "content": f"建议研究{marker}。"}
            submit_suggestion(round=round, fields=fields, channel=Channel.web, consent=False)
            sent = time.perf_counter()
            office = db.session.get(User, office_id)
            while not queries.search(user=office, text=marker)[0].total:
                if worker.poll() is not None or time.perf_counter() - sent > 60:
                    raise RuntimeError(f"not found after {time.perf_counter() - sent:.0f} s; see {log.name}")
                time.sleep(0.05)
            delays.append(time.perf_counter() - sent)
            time.sleep(rng.uniform(0, 2))
    finally:
        worker.terminate()
        worker.wait()
        log.close()
    return delays


def index_size(backend: str, app) -> int:
    if backend == "postgresql":
        return db.session.scalar(text("SELECT pg_total_relation_size('search_documents')"))
    folder = Path(app.config["SEARCH_INDEX_DIR"])
    return sum(path.stat().st_size for path in folder.iterdir())


def measure(
    backend: str, url: str | None, n: int, texts, query_texts, *, profile: bool, keep: bool, fresh: int
) -> dict:
    label = f"{backend} {n}"
    instance = tempfile.mkdtemp(prefix="bench-search-")
    app = bench_app(url, instance, SEARCH_BACKEND=backend, SEARCH_INDEX_DIR=f"{instance}/search-index")
    gc.freeze()  # as each server process does once the application is loaded (gunicorn.conf.py)
    figures = {}
    try:
        with app.app_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            office_id = populate(n, texts)
            print(f"[{label}] populated in {time.perf_counter() - started:.1f} s", flush=True)
            profiler = cProfile.Profile() if profile else None
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            done = services.rebuild(processes=os.cpu_count() or 1)
            if profiler:
                profiler.disable()
            seconds = time.perf_counter() - started
            assert done == n, done
            figures["rebuild_docs_per_s"] = n / seconds
            figures["index_mb"] = index_size(backend, app) / 2**20
            print(
                f"[{label}] rebuild {seconds:.1f} s = {figures['rebuild_docs_per_s']:.0f} docs/s;"
                f" index {figures['index_mb']:.1f} MB",
                flush=True,
            )
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            db.session.remove()
            office = db.session.get(User, office_id)
            runs = {
                "query": [{"text": q} for q in query_texts],
                "newest": [{"text": q, "order": "newest"} for q in query_texts],
                "browse": [{"text": "", "filters": {"channel": [c.value]}, "order": "newest"} for c in Channel] * 4,
            }
            for name, kwargs in runs.items():
                profiler = cProfile.Profile() if profile else None
                if profiler:
                    profiler.enable()
                spent, inner, totals, capped = timed(kwargs, office)
                if profiler:
                    profiler.disable()
                figures[f"{name}_p50_ms"] = statistics.median(spent)
                figures[f"{name}_p95_ms"] = percentile(spent, 0.95)
                figures[f"{name}_backend_p95_ms"] = percentile(inner, 0.95)
                figures[f"{name}_capped"] = capped
                print(
                    f"[{label}] {name}: p50 {figures[f'{name}_p50_ms']:.1f} ms, p95 {figures[f'{name}_p95_ms']:.1f} ms,"
                    f" max {max(spent):.1f} ms (the backend's part: p50 {statistics.median(inner):.1f} ms,"
                    f" p95 {figures[f'{name}_backend_p95_ms']:.1f} ms); matches median"
                    f" {statistics.median(totals):.0f}, max {max(totals)}; counts capped in {capped}"
                    f" of {len(totals)}",
                    flush=True,
                )
                if profiler:
                    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
            db.session.remove()
            if fresh:
                delays = found_after(app, office_id, fresh, instance)
                figures["found_after_p95_s"] = percentile(delays, 0.95)
                print(
                    f"[{label}] a new suggestion found after: median {statistics.median(delays):.2f} s,"
                    f" p95 {figures['found_after_p95_s']:.2f} s, max {max(delays):.2f} s ({fresh} sent)",
                    flush=True,
                )
                db.session.remove()
            if not keep:
                db.drop_all()
            db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return figures


def relevance(backend: str, url: str | None) -> dict:
    """Recall and MRR of the relevance set on `backend`, and the recall of its queries by their words alone."""
    corpora = {"demo": demo_texts(), "generated": generated_texts(RELEVANCE_DOCS)}
    rounds = {corpus: number for number, corpus in enumerate(corpora, 1)}
    start = utcnow().replace(microsecond=0)  # dates a minute apart: how the matches without the words are ordered
    instance = tempfile.mkdtemp(prefix="bench-relevance-")
    app = bench_app(url, instance, SEARCH_BACKEND=backend, SEARCH_INDEX_DIR=f"{instance}/search-index")
    try:
        with app.app_context():
            db.create_all()  # the office's search dictionary is read from it
            index = services.backend()
            with index.rebuilding() as add:
                for corpus, texts in corpora.items():
                    add(
                        [
                            Document(kind="suggestion", record_id=rounds[corpus] * 10**6 + number, title=title,
                                     body=body, round_id=rounds[corpus], audiences=[OFFICE],
                                     date=start + timedelta(minutes=number))
                            for number, (title, body) in enumerate(texts)
                        ]
                    )  # fmt: skip

            def search(corpus: str, query: str, *, words_only: bool = False) -> list[int]:
                terms = queries.parse(query, services.current_segmenter())
                if words_only:
                    terms = [replace(term, pairs=[]) for term in terms]
                request = SearchRequest(
                    terms=terms, audiences=[OFFICE], filters={"round_id": [str(rounds[corpus])]}, per_page=10**6
                )
                return [hit.record_id % 10**6 for hit in index.search(request).hits]

            recall, mrr = recall_and_mrr(outcomes(search, corpora))
            words_only, _mrr = recall_and_mrr(outcomes(partial(search, words_only=True), corpora))
            index.clear()
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    print(f"[{backend} relevance] recall {recall:.3f} (by words alone {words_only:.3f}), MRR {mrr:.3f}", flush=True)
    return {"recall": round(recall, 3), "mrr": round(mrr, 3), "recall_words_only": round(words_only, 3)}


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="10000,100000", help="comma-separated document counts")
    parser.add_argument("--queries", type=int, default=100, help="queries of each kind (half one-word, half two)")
    parser.add_argument("--backends", default="whoosh,postgresql")
    parser.add_argument("--profile", action="store_true", help="print cProfile's view of rebuild and queries")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database bench_search to look into")
    parser.add_argument("--fresh", type=int, default=20, help="new suggestions timed until found (0: none)")
    parser.add_argument("--database", default="bench_search", help="the PostgreSQL database made for the run")
    parser.add_argument("--relevance-only", action="store_true", help="only the relevance set's recall and MRR")
    args = parser.parse_args()
    sizes = [int(n) for n in args.docs.split(",")]
    backends = args.backends.split(",")
    figures = {"docs": sizes, "machine_loop_s": machine_report()}
    for backend in backends:
        with contextlib.ExitStack() as stack:
            url = None
            if backend == "postgresql":
                url = stack.enter_context(scratch_database(args.database, keep=args.keep))
                if url is None:
                    continue
            suffix = "_pg" if backend == "postgresql" else ""
            figures |= {f"{name}{suffix}": value for name, value in relevance(backend, url).items()}
    if args.relevance_only:
        print(json.dumps(figures, ensure_ascii=False))
        return

    words = vocabulary()
    print(f"vocabulary: {len(words)} dictionary words, frequencies summing to {sum(words.values())}", flush=True)
    writer = Writer(words)
    texts = [writer.suggestion() for _ in range(max(sizes))]
    print(f"texts: mean {statistics.mean(len(body) for _, body in texts):.0f} characters", flush=True)
    asker = Writer(words, seed=11)  # the queries do not depend on how many texts were drawn
    query_texts = [asker.query(1 + i % 2) for i in range(args.queries)]

    for backend in backends:
        with contextlib.ExitStack() as stack:
            url = None
            if backend == "postgresql":
                url = stack.enter_context(scratch_database(args.database, keep=args.keep))
                if url is None:
                    continue
            for n in sizes:
                found = measure(
                    backend, url, n, texts[:n], query_texts, profile=args.profile, keep=args.keep, fresh=args.fresh
                )
                suffix = size_label(n)
                figures[f"{backend}_rebuild_docs_per_s_{suffix}"] = round(found["rebuild_docs_per_s"])
                figures[f"{backend}_index_mb_{suffix}"] = round(found["index_mb"], 1)
                for name in ("query", "newest", "browse"):
                    for share in ("p50", "p95", "backend_p95"):
                        figures[f"{backend}_{name}_{share}_ms_{suffix}"] = round(found[f"{name}_{share}_ms"], 1)
                    figures[f"{backend}_{name}_capped_{suffix}"] = found[f"{name}_capped"]
                if "found_after_p95_s" in found:
                    figures[f"{backend}_found_after_p95_s_{suffix}"] = round(found["found_after_p95_s"], 2)
                figures[f"{backend}_rebuild_docs_per_s"] = figures[f"{backend}_rebuild_docs_per_s_{suffix}"]
    for n in sizes:
        suffix = size_label(n)
        newest = [figures.get(f"{backend}_newest_p95_ms_{suffix}") for backend in backends]
        if any(value is not None for value in newest):
            figures[f"newest_first_p95_ms_{suffix}"] = max(value for value in newest if value is not None)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
