"""Benchmark: exporting a round's suggestions at any size (issue 22), in time and in memory.

Builds N suggestions in bulk in a database of its own (PostgreSQL through bench/scratch_database.py, or a
temporary SQLite file), then exports them through the real code path, each export in a child process of its own
so that the peak memory measured is the export's: the background job the office's large export runs (Excel, then
CSV), as the worker runs it (the same writer a small export streams with). The growth is the child's peak resident
memory (getrusage maxrss, which counts C memory too) less its resident memory just before the export. Prints
figures, then one JSON object as its last line: `export_rows`, `export_s`, `export_growth_mb` (the Excel export),
`export_csv_s`, `export_csv_growth_mb`, and at N = 1,000,000 also `export_s_1m` and `export_growth_mb_1m`.

    .venv/bin/python bench/export.py --suggestions 100000 --database postgresql
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures import bench_app, bench_round  # noqa: E402  (bench/fixtures.py)
from machine import report as machine_report  # noqa: E402  (bench/machine.py)
from scratch_database import scratch_database  # noqa: E402  (bench/scratch_database.py)
from sqlalchemy import insert  # noqa: E402

from accounts.models import Role, Unit, UnitKind, User  # noqa: E402
from extensions import db  # noqa: E402
from solicitation.models import Category, Channel, RoundStatus, Suggestion, SuggestionStatus  # noqa: E402

BATCH = 10_000  # suggestions inserted at a time
PHRASES = [
    "建议在老旧小区加装电梯，方便老年人出行。",
    "社区长者饭堂数量不足，就餐排队时间长。",
    "办理企业开办手续仍需多次跑腿，建议全流程网上办理。",
    "学校周边上下学时段交通拥堵，建议设置临时停车区。",
    "垃圾分类投放点距离较远，希望增设并定时清运。",
    "希望延长社区图书馆开放时间，周末也能借阅。",
    "公交线路调整后换乘不便，建议恢复原有站点。",
    "建议完善夜间照明，保障居民出行安全。",
]
STATUSES = list(SuggestionStatus)
CHANNELS = [channel for channel in Channel if channel is not Channel.batch_import]


def text_of(rng: random.Random, low: int, high: int) -> str:
    """Chinese text of `low`–`high` characters made of the residents' phrases."""
    length, parts = rng.randint(low, high), []
    while sum(map(len, parts)) < length:
        parts.append(rng.choice(PHRASES))
    return "".join(parts)[:length]


def build(url: str | None, instance: str, n: int) -> None:
    """The round, its categories and units, and `n` suggestions, bulk-inserted."""
    rng = random.Random(22)
    contents = [text_of(rng, 50, 500) for _ in range(997)]  # a pool, so that building stays fast
    replies = [text_of(rng, 20, 120) for _ in range(101)]
    app = bench_app(url, instance)
    with app.app_context():
        db.create_all()
        office = User(username="bench.office", display_name="基准", role=Role.office, password_hash="x")
        round = bench_round(year=2999, status=RoundStatus.soliciting)
        categories = [Category(round=round, name=name) for name in ("经济发展", "民生事业", "社会治理", "生态环境")]
        units = [Unit(name=f"区直单位{k}", kind=UnitKind.department) for k in range(20)]
        db.session.add_all([office, round, *categories, *units])
        db.session.commit()
        category_ids, unit_ids, start = [c.id for c in categories], [u.id for u in units], date(2999, 1, 1)
        began = time.perf_counter()
        for first in range(0, n, BATCH):
            rows = []
            for k in range(first, min(first + BATCH, n)):
                status, referred = STATUSES[k % len(STATUSES)], unit_ids[k % len(unit_ids)]
                rows.append(
                    {
                        "round_id": round.id,
                        "tracking_code": f"B{k:015d}",
                        "title": text_of(rng, 8, 30),
                        "content": contents[k % len(contents)],
                        "category_id": category_ids[k % len(category_ids)],
                        "location": "龙城街道",
                        "channel": CHANNELS[k % len(CHANNELS)],
                        "status": status,
                        "contact_name": "王芳",
                        "contact_phone": f"138{k:08d}",
                        "consent": True,
                        "referred_unit_id": referred if status is SuggestionStatus.referred else None,
                        "reply": replies[k % len(replies)] if k % 3 == 0 else "",
                        "second_count": k % 13,
                        "received_on": start + timedelta(days=k % 300),
                    }
                )
            if url:
                copy_rows(rows)
            else:
                db.session.execute(insert(Suggestion), rows)
                db.session.commit()
        print(f"built {n:,} suggestions in {time.perf_counter() - began:.1f} s", flush=True)


def copy_rows(rows: list[dict]) -> None:
    """PostgreSQL: the rows through COPY (a million in a minute or two), with the columns' defaults filled in."""
    table = Suggestion.__table__
    names = [column.name for column in table.columns if not column.primary_key]
    defaults = {}
    for column in table.columns:
        if column.default is not None and column.name not in rows[0]:
            arg = column.default.arg
            defaults[column.name] = arg(None) if column.default.is_callable else arg
    connection = db.session.connection().connection.driver_connection
    with connection.cursor() as cursor, cursor.copy(f"COPY suggestions ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            full = defaults | row
            copy.write_row([getattr(full.get(name), "name", full.get(name)) for name in names])
    db.session.commit()


def child(url: str | None, instance: str, fmt: str) -> None:
    """Run the office's export as the worker runs it, and print its rows, time and memory growth (the peak resident
    memory less the resident memory before) as JSON."""
    from jobs.models import Job
    from jobs.services import run_pending
    from solicitation.models import Round
    from solicitation.services.exports import export_suggestions

    app = bench_app(url, instance, JOBS_WORKER="none")
    with app.test_request_context():
        office = db.session.query(User).filter_by(username="bench.office").one()
        the_round = db.session.query(Round).filter_by(year=2999).one()
        job_id = export_suggestions(actor=office, round=the_round, locale="zh_Hans_CN", fmt=fmt).id
        db.session.expunge_all()
        before = resident_kib()
        began = time.perf_counter()
        if os.environ.get("BENCH_EXPORT_PROFILE"):
            import cProfile

            cProfile.runctx("run_pending()", globals(), {"run_pending": run_pending}, sort="cumtime")
            states = {}
        else:
            states = run_pending()
        seconds = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        job = db.session.get(Job, job_id)
        key = job.result["storage_key"]
        size = os.path.getsize(Path(app.config["UPLOAD_FOLDER"]) / key[:2] / key)
        figures = {
            "rows": job.progress_total,
            "seconds": round(seconds, 1),
            "growth_mb": round((peak - before) / 1024, 1),
            "peak_mb": round(peak / 1024, 1),
            "file_mb": round(size / 2**20, 1),
            "states": {state.value: count for state, count in states.items()},
        }
    print(json.dumps(figures), flush=True)


def resident_kib() -> int:
    """The process's resident memory now (maxrss is a high-water mark, which the start-up may have set higher)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def measure(url: str | None, instance: str, fmt: str) -> dict:
    """One export in a child process of its own; its figures."""
    command = [sys.executable, __file__, "--child", fmt, "--instance", instance]
    env = {**os.environ, "BENCH_EXPORT_URL": url or ""}
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise SystemExit(f"the {fmt} export failed:\n{finished.stderr[-3000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--formats", default="xlsx,csv", help="the exports measured, of xlsx and csv")
    parser.add_argument("--child", choices=["xlsx", "csv"], help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(os.environ["BENCH_EXPORT_URL"] or None, args.instance, args.child)
        return
    n = args.suggestions
    loop = machine_report()
    with tempfile.TemporaryDirectory() as instance, scratch_database("bench_export") as postgres_url:
        if args.database == "postgresql" and postgres_url is None:
            raise SystemExit("no PostgreSQL server answers (BENCH_POSTGRES_URL)")
        url = postgres_url if args.database == "postgresql" else None
        build(url, instance, n)
        measured = {fmt: measure(url, instance, fmt) for fmt in args.formats.split(",")}
    for fmt, figures in measured.items():
        print(
            f"{fmt:4} export of {figures['rows']:,} rows ({args.database}): {figures['seconds']} s, "
            f"memory growth {figures['growth_mb']} MB (peak {figures['peak_mb']} MB), file {figures['file_mb']} MB"
        )
    result = {"database": args.database, "machine_loop_s": loop}
    if xlsx := measured.get("xlsx"):
        result |= {"export_rows": xlsx["rows"], "export_s": xlsx["seconds"], "export_growth_mb": xlsx["growth_mb"]}
        if n == 1_000_000:
            result |= {"export_s_1m": xlsx["seconds"], "export_growth_mb_1m": xlsx["growth_mb"]}
    if comma := measured.get("csv"):
        result |= {"export_csv_s": comma["seconds"], "export_csv_growth_mb": comma["growth_mb"]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
