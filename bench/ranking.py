"""Benchmark: the ranking of a round of 2,000 (or --proposals 10000) proposals with 5 reviews of 6 criteria each.

Times, on SQLite and, when it answers, on PostgreSQL (a database of its own, `bench_ranking`, on
BENCH_POSTGRES_URL's server, by default the local one): the ranking page rendered in process (its first page; by
the calibrated score, its last page; filtered by a category, by the median; the veto flag), the pages
interleaved; the whole round's ranking as a query (rank_round, from the kept standings); and what recomputing
the standings adds to each submitted review (calibration included). Prints the figures, then one JSON object as
its last line, with `ranking_p95_ms_<size>` the worst page's p95 of both databases (the veto flag apart).
Target: ≤ 300 ms at 10,000.

    .venv/bin/python bench/ranking.py [--proposals 2000] [--runs 20]
"""

import argparse
import gc
import json
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures import bench_app, bench_office, bench_round  # noqa: E402  (bench/fixtures.py)
from machine import report as machine_report  # noqa: E402  (bench/machine.py, beside this file)
from scratch_database import scratch_database  # noqa: E402  (bench/scratch_database.py)
from sqlalchemy import insert, text  # noqa: E402

from accounts.models import Role, Unit, UnitKind, User  # noqa: E402
from core.models import utcnow  # noqa: E402
from extensions import db  # noqa: E402
from review.models import Assignment, Criterion, Review, ReviewStatus, Score  # noqa: E402
from review.ranking import rank_round  # noqa: E402
from review.scoring import weighted_total  # noqa: E402
from review.services.standings import rebuild_standings, refresh_standings  # noqa: E402
from solicitation.models import Category, Proposal, ProposalStatus, RoundStatus  # noqa: E402

EXPERTS, REVIEWS, CRITERIA = 60, 5, 6


def populate(n_proposals: int) -> int:
    """Bulk-insert a reviewed round; return its id."""
    rng = random.Random(1)
    unit = Unit(name="基准测试单位", kind=UnitKind.department)
    office = bench_office()
    round = bench_round(year=2999, status=RoundStatus.reviewing)
    db.session.add_all([unit, office, round])
    db.session.flush()
    category = Category(round_id=round.id, name="经济发展")
    db.session.add(category)
    # As in a real round: one criterion with a veto threshold, one shown but not counted.
    criteria = [
        Criterion(
            round_id=round.id,
            name=f"指标{i}",
            weight=1 + i % 3,
            max_score=10,
            position=i,
            veto_at=2 if i == 0 else None,
            counted=i != CRITERIA - 1,
            scale_labels={},
        )
        for i in range(CRITERIA)
    ]
    experts = [
        User(username=f"bench.expert{i}", display_name=f"专家{i}", role=Role.expert, password_hash="x")
        for i in range(EXPERTS)
    ]
    db.session.add_all(criteria + experts)
    db.session.flush()
    now = utcnow()
    db.session.execute(
        insert(Proposal),
        [
            {
                "round_id": round.id,
                "unit_id": unit.id,
                "title": f"改革项目{i}",
                "category_id": category.id,
                "status": ProposalStatus.submitted,
                "submitted_at": now,
                "background": "",
                "content": "",
                "innovation": "",
                "goals": "",
            }
            for i in range(n_proposals)
        ],
    )
    proposal_ids = [p.id for p in db.session.scalars(db.select(Proposal).where(Proposal.round_id == round.id))]
    assignments = []
    for index, proposal_id in enumerate(proposal_ids):
        for step in range(REVIEWS):
            assignments.append(
                {"proposal_id": proposal_id, "expert_id": experts[(index + step * 7) % EXPERTS].id, "published": True}
            )
    db.session.execute(insert(Assignment), assignments)
    assignment_ids = list(
        db.session.scalars(db.select(Assignment.id).join(Assignment.proposal).where(Proposal.round_id == round.id))
    )
    # The scores first, so that each review gets the total the platform fixes on submission.
    values = {a: {c.id: rng.randint(3, 10) for c in criteria} for a in assignment_ids}
    weights = [(c.id, c.weight, c.max_score) for c in criteria if c.counted]
    db.session.execute(
        insert(Review),
        [
            {
                "assignment_id": a,
                "status": ReviewStatus.submitted,
                "submitted_at": now,
                "comment": "",
                "recommendation": "recommend",
                "total": weighted_total(values[a], weights),
            }
            for a in assignment_ids
        ],
    )
    reviews = db.session.execute(
        db.select(Review.id, Review.assignment_id).where(Review.assignment_id.in_(assignment_ids))
    )
    db.session.execute(
        insert(Score),
        [
            {"review_id": r, "criterion_id": cid, "value": value, "comment": ""}
            for r, a in reviews
            for cid, value in values[a].items()
        ],
    )
    db.session.commit()
    rebuild_standings(round_id=round.id)  # the rows were written around the services, which keep the standings
    if db.engine.dialect.name == "postgresql":
        # A live database has planner statistics (autovacuum); a table filled a second ago has none yet.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return round.id, office.id


def p95(values: list[float]) -> float:
    """The 95th percentile by the nearest rank."""
    return sorted(values)[math.ceil(0.95 * len(values)) - 1]


def measure(url: str | None, n: int, runs: int, label: str) -> dict:
    instance = tempfile.mkdtemp(prefix="bench-")
    app = bench_app(url, instance, WTF_CSRF_ENABLED=False)
    gc.freeze()  # as each server process does once the application is loaded (gunicorn.conf.py)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        round_id, office_id = populate(n)
        print(f"[{label}] populated {n} proposals in {time.perf_counter() - started:.1f} s", flush=True)
        category_id = db.session.scalar(db.select(Category.id).where(Category.round_id == round_id))
        query_ms, refresh_ms = [], []
        for _ in range(runs):
            db.session.expire_all()
            started = time.perf_counter()
            ranking = rank_round(round_id, measure="calibrated")
            query_ms.append(1000 * (time.perf_counter() - started))
            started = time.perf_counter()
            refresh_standings(round_id)
            db.session.flush()
            refresh_ms.append(1000 * (time.perf_counter() - started))
            db.session.rollback()
        assert len(ranking.rows) == n and all(row.n == REVIEWS for row in ranking.rows)
        last_page = math.ceil(n / app.config["PAGE_SIZE"])
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{office_id}:1"
        session["_fresh"] = True
    base = f"/rounds/{round_id}/ranking"
    pages = {
        "first page": base,
        "calibrated, last page": f"{base}?sort=calibrated&page={last_page}",
        "a category, by the median": f"{base}?category={category_id}&sort=median",
        "veto flag": f"{base}?flag=veto",
    }
    page_ms = {name: [] for name in pages}
    for _ in range(runs):
        for name, page in pages.items():
            started = time.perf_counter()
            response = client.get(page)
            page_ms[name].append(1000 * (time.perf_counter() - started))
            assert response.status_code == 200, response.status_code
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    for name, values in page_ms.items():
        print(
            f"[{label}] page, {name}: median {statistics.median(values):.0f} ms, p95 {p95(values):.0f} ms", flush=True
        )
    result = {
        "query": statistics.median(query_ms),
        "refresh": statistics.median(refresh_ms),
        "page": statistics.median(page_ms["first page"]),
        # the veto flag reads every score of the round (a filter the office sets now and then): shown, not the target
        "page_p95": max(p95(values) for name, values in page_ms.items() if name != "veto flag"),
        "veto_p95": p95(page_ms["veto flag"]),
    }
    print(
        f"[{label}] ranking query (the whole round) median {result['query']:.0f} ms; standings recomputed "
        f"(each submitted review) median {result['refresh']:.0f} ms; worst page p95 {result['page_p95']:.0f} ms",
        flush=True,
    )
    return result


def size_suffix(n: int) -> str:
    """`_10k`, `_2k`, `_500`: the key's suffix for a count of proposals."""
    return f"_{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"_{n}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    figures = {"proposals": args.proposals, "machine_loop_s": machine_report()}
    results = {"sqlite": measure(None, args.proposals, args.runs, "sqlite")}
    with scratch_database("bench_ranking") as postgres_url:
        results["postgresql"] = postgres_url and measure(postgres_url, args.proposals, args.runs, "postgresql")
    for database, result in results.items():
        figures |= {
            f"ranking_query_ms_{database}": result and round(result["query"], 1),
            f"ranking_refresh_ms_{database}": result and round(result["refresh"], 1),
            f"ranking_page_ms_{database}": result and round(result["page"], 1),
            f"ranking_page_p95_ms_{database}": result and round(result["page_p95"], 1),
            f"ranking_veto_p95_ms_{database}": result and round(result["veto_p95"], 1),
        }
    measured = [result["page_p95"] for result in results.values() if result]
    figures[f"ranking_p95_ms{size_suffix(args.proposals)}"] = round(max(measured), 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
