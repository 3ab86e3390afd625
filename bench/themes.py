"""Benchmark: themes on generated suggestions of known planted themes (issue 23; the generator: bench/themes_data.py).

Fills a round of a database of its own (a SQLite file in a temporary folder, or `--postgresql`: a scratch database it
creates and drops) with N suggestions, then computes the themes in a fresh process, as the worker would: its time, its
CPU time and its peak memory (the process's high-water mark). Compares the themes with the planted ones (adjusted Rand
index, sklearn.metrics.adjusted_rand_score; a suggestion left out of every theme counts as a group of its own), times
placing one new suggestion into the computed themes (the median and 95th percentile of 30, after one to warm up: it
reads the round's centres), and runs bench/near_duplicates.py's measure for near-duplicate precision and recall (on
`--near-duplicates` suggestions of its own set, SQLite). Last line, one JSON object: `suggestions`, `themes_s_1m`,
`themes_peak_mb_1m`, `themes_ari_100k`, `assign_one_ms`, `near_dup_precision`, `near_dup_recall` (null when not
measured at this size), with the figures at this size (`themes_s`, `themes_cpu_s`, `themes_peak_mb`, `themes_ari`,
`themes`, `assign_one_p95_ms`).
Targets: 1M in ≤ 10 minutes and ≤ 4 GB, ARI ≥ 0.8 at 100k, one suggestion placed in ≤ 50 ms.

    .venv/bin/python bench/themes.py [--suggestions 100000] [--postgresql] [--near-duplicates 2000] [--smoke]
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures import bench_app, bench_round  # noqa: E402  (bench/fixtures.py)
from machine import report as machine_report  # noqa: E402  (bench/machine.py)
from scratch_database import scratch_database  # noqa: E402  (bench/scratch_database.py)
from sqlalchemy import insert, select  # noqa: E402
from themes_data import suggestions  # noqa: E402  (bench/themes_data.py)

from core import clock  # noqa: E402
from core.models import utcnow  # noqa: E402
from extensions import db  # noqa: E402
from solicitation.models import Channel, RoundStatus, Suggestion, SuggestionStatus, ThemeMember  # noqa: E402

BATCH = 5000
PLACED = 30


def populate(round_id: int, count: int) -> list[int]:
    """Insert `count` generated suggestions (a fifth accepted, the others received); return their planted themes,
    in the order of their tracking codes."""
    now, planted, rows = utcnow(), [], []

    def flush():
        db.session.execute(insert(Suggestion.__table__), rows)  # Core: no ORM bookkeeping for a million rows
        db.session.commit()
        rows.clear()

    for index, (title, content, theme) in enumerate(suggestions(count)):
        planted.append(theme)
        rows.append(
            {
                "round_id": round_id,
                "tracking_code": f"T{index:011d}",
                "title": title[:200],
                "content": content,
                "location": "",
                "channel": Channel.web,
                "status": SuggestionStatus.accepted if index % 5 == 0 else SuggestionStatus.received,
                "contact_name": "",
                "contact_phone": "",
                "contact_email": "",
                "consent": True,
                "received_on": clock.today(),
                "created_at": now,
                "updated_at": now,
            }
        )
        if len(rows) == BATCH:
            flush()
    if rows:
        flush()
    return planted


def compute_in_a_fresh_process(url: str, instance: str, round_id: int) -> dict:
    """Compute the themes in a process of their own, as the worker would; its time, peak memory and summary."""
    output = subprocess.run(
        [sys.executable, __file__, "--compute", url, instance, str(round_id)], capture_output=True, text=True
    )
    if output.returncode:
        raise RuntimeError(output.stderr[-3000:])
    return json.loads(output.stdout.strip().splitlines()[-1])


def compute(url: str, instance: str, round_id: int) -> None:
    from solicitation.services.themes import compute_themes

    app = bench_app(url, instance)
    with app.app_context():
        started = time.perf_counter()
        summary = compute_themes(round_id=round_id)
        seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "seconds": round(seconds, 1),
        # On a shared machine the wall time waits for the other jobs; the CPU time is the work itself.
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),  # Linux: kilobytes
    }
    print(json.dumps(figures | {"summary": summary}))


def adjusted_rand(round_id: int, planted: list[int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    theme_of = dict(
        db.session.execute(
            select(Suggestion.tracking_code, ThemeMember.theme_id)
            .outerjoin(ThemeMember, ThemeMember.suggestion_id == Suggestion.id)
            .where(Suggestion.round_id == round_id)
        ).all()
    )
    found = [theme_of.get(f"T{index:011d}") for index in range(len(planted))]
    found = [-1 - index if theme is None else theme for index, theme in enumerate(found)]  # left out: alone
    return adjusted_rand_score(planted, found)


def place_timings(round_id: int) -> list[float]:
    """Milliseconds to place each of PLACED new suggestions into the computed themes (one to warm up first)."""
    from solicitation.services.themes import place_suggestion

    timings = []
    for index, (title, content, _) in enumerate(suggestions(PLACED + 1, seed=99)):
        new = Suggestion(
            round_id=round_id, tracking_code=f"P{index:011d}", title=title, content=content,
            channel=Channel.web, consent=True,
        )  # fmt: skip
        db.session.add(new)
        db.session.commit()
        started = time.perf_counter()
        place_suggestion(new.id)
        timings.append((time.perf_counter() - started) * 1000)
    return timings[1:]


def measure(url: str | None, count: int, label: str) -> dict:
    with tempfile.TemporaryDirectory() as instance:
        app = bench_app(url, instance)
        url = url or app.config["SQLALCHEMY_DATABASE_URI"]
        with app.app_context():
            db.create_all()
            bench = bench_round(year=2902, status=RoundStatus.soliciting)
            db.session.add(bench)
            db.session.commit()
            started = time.perf_counter()
            planted = populate(bench.id, count)
            print(f"[{label}] {count} suggestions written in {time.perf_counter() - started:.0f} s", flush=True)
            computed = compute_in_a_fresh_process(url, instance, bench.id)
            print(f"[{label}] themes: {computed}", flush=True)
            ari = adjusted_rand(bench.id, planted)
            timings = place_timings(bench.id)
            db.session.remove()
            db.engine.dispose()
    figures = {
        "themes_s": computed["seconds"],
        "themes_cpu_s": computed["cpu_s"],
        "themes_peak_mb": computed["peak_mb"],
        "themes_ari": round(ari, 4),
        "themes": computed["summary"]["themes"],
        "assign_one_ms": round(statistics.median(timings), 1),
        "assign_one_p95_ms": round(statistics.quantiles(timings, n=20)[-1], 1),
    }
    print(f"[{label}] {figures}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suggestions", type=int, default=100_000)
    parser.add_argument("--postgresql", action="store_true", help="on a scratch PostgreSQL database, not SQLite")
    parser.add_argument("--near-duplicates", type=int, default=2000, help="suggestions of their set (0: skip)")
    parser.add_argument("--smoke", action="store_true", help="2,000 suggestions, 500 for near-duplicates")
    parser.add_argument("--compute", nargs=3, metavar=("URL", "INSTANCE", "ROUND_ID"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.compute:
        url, instance, round_id = arguments.compute
        compute(url, instance, int(round_id))
        return
    count = 2000 if arguments.smoke else arguments.suggestions
    near_count = 500 if arguments.smoke else arguments.near_duplicates
    machine_report()
    if arguments.postgresql:
        with scratch_database("bench_themes") as url:
            if url is None:
                return
            figures = measure(url, count, "postgresql")
    else:
        figures = measure(None, count, "sqlite")
    near = {}
    if near_count:
        from near_duplicates import measure as measure_near_duplicates  # bench/near_duplicates.py

        near = measure_near_duplicates(None, near_count, "near-duplicates, sqlite")
    result = {
        "suggestions": count,
        "themes_s_1m": figures["themes_s"] if count >= 1_000_000 else None,
        "themes_peak_mb_1m": figures["themes_peak_mb"] if count >= 1_000_000 else None,
        "themes_ari_100k": figures["themes_ari"] if count == 100_000 else None,
        "assign_one_ms": figures["assign_one_ms"],
        "near_dup_precision": near.get("near_dup_precision"),
        "near_dup_recall": near.get("near_dup_recall"),
        **figures,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
