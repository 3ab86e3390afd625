"""Benchmark: the ranking of a round of 2,000 proposals with 5 reviews of 6 criteria each.

Times the ranking as a query (rank_round, calibration included) and as a rendered page, on SQLite and, when
it answers, on PostgreSQL (a database of its own, `bench_ranking`, on BENCH_POSTGRES_URL's server, by default
the local one). Prints the figures, then one JSON object as its last line. Target: the page under 300 ms.

    .venv/bin/python bench/ranking.py [--proposals 2000] [--runs 5]
"""

import argparse
import gc
import json
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
    if db.engine.dialect.name == "postgresql":
        # A live database has planner statistics (autovacuum); a table filled a second ago has none yet.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return round.id, office.id


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
        query_ms = []
        for _ in range(runs):
            db.session.expire_all()
            started = time.perf_counter()
            ranking = rank_round(round_id, measure="calibrated")
            query_ms.append(1000 * (time.perf_counter() - started))
        assert len(ranking.rows) == n and all(row.n == REVIEWS for row in ranking.rows)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{office_id}:1"
        session["_fresh"] = True
    page_ms = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(f"/rounds/{round_id}/ranking")
        page_ms.append(1000 * (time.perf_counter() - started))
        assert response.status_code == 200, response.status_code
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    result = {"query": statistics.median(query_ms), "page": statistics.median(page_ms)}
    print(
        f"[{label}] ranking query median {result['query']:.0f} ms {sorted(round(x) for x in query_ms)}; "
        f"page median {result['page']:.0f} ms {sorted(round(x) for x in page_ms)}",
        flush=True,
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    figures = {"proposals": args.proposals, "machine_loop_s": machine_report()}
    sqlite = measure(None, args.proposals, args.runs, "sqlite")
    figures |= {
        "ranking_query_ms_sqlite": round(sqlite["query"], 1),
        "ranking_page_ms_sqlite": round(sqlite["page"], 1),
    }
    with scratch_database("bench_ranking") as postgres_url:
        postgres = postgres_url and measure(postgres_url, args.proposals, args.runs, "postgresql")
    figures |= {
        "ranking_query_ms_postgresql": postgres and round(postgres["query"], 1),
        "ranking_page_ms_postgresql": postgres and round(postgres["page"], 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
