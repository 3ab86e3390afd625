"""The ranking as kept: standings recomputed when a review or a conflict changes, never when the page is read;
the page reads its rows only, ranked over the whole round."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from extensions import db
from review.models import ExpertBias, Familiarity, Recommendation, Standing
from review.services import assignments, conflicts, reviews
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_open_round, make_proposal, make_user


@pytest.fixture
def reviewed():
    """A round under review of five proposals, 改革一 to 改革五, scored 90, 80, 70, 60 and 50 by one expert each
    (改革一 also by a second expert, 70), and the office."""
    office = make_user(role="office")
    round = make_open_round()
    criterion = make_criterion(round=round, name="问题导向", max_score=100)
    proposals = [make_proposal(round=round, submit=True, title=f"改革{n}") for n in "一二三四五"]
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    experts = [make_user(role="expert") for _ in range(2)]
    made = []
    for proposal, score, expert in [(p, 90 - 10 * i, experts[0]) for i, p in enumerate(proposals)] + [
        (proposals[0], 70, experts[1])
    ]:
        assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
        assignments.publish_assignments(actor=office, round=round)
        reviews.save_review(
            actor=expert,
            assignment=assignment,
            scores={criterion.id: (score, "")},
            comment="",
            recommendation=Recommendation.recommend,
            familiarity=Familiarity.high,
            submit=True,
        )
        made.append(assignment)
    return {"office": office, "round": round, "proposals": proposals, "experts": experts, "assignments": made}


def standing(proposal) -> Standing:
    db.session.expire_all()
    return db.session.get(Standing, proposal.id)


def test_a_submitted_review_is_in_the_standings_and_the_calibration_at_once(reviewed):
    first = reviewed["proposals"][0]
    kept = standing(first)
    assert (kept.n, kept.mean, kept.median, kept.spread) == (2, pytest.approx(80), pytest.approx(80), pytest.approx(20))
    assert kept.recommendations == {"recommend": 2} and kept.calibrated is not None
    biases = db.session.scalars(select(ExpertBias.expert_id).where(ExpertBias.round_id == reviewed["round"].id))
    assert sorted(biases) == sorted(expert.id for expert in reviewed["experts"])


def test_a_reopened_review_and_a_conflict_leave_the_standings_at_once(reviewed):
    first = reviewed["proposals"][0]
    second_expert_review = reviewed["assignments"][-1].review
    reviews.reopen_review(actor=reviewed["office"], review=second_expert_review)
    assert (standing(first).n, standing(first).mean) == (1, pytest.approx(90))
    conflicts.record_conflict(actor=reviewed["office"], expert=reviewed["experts"][0], proposal=first, reason="亲属")
    kept = standing(first)
    assert (kept.n, kept.mean, kept.excluded) == (0, None, 1)


def test_reading_the_ranking_page_writes_and_recomputes_nothing(client, login_as, reviewed):
    login_as("office")
    written = []

    def watch(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "standings" in statement:
            written.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        assert client.get(f"/rounds/{reviewed['round'].id}/ranking?sort=calibrated").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    assert written == []


def test_the_page_shows_its_rows_with_the_whole_rounds_ranks_and_the_export_has_every_row(
    app, client, login_as, monkeypatch, reviewed
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    login_as("office")
    url = f"/rounds/{reviewed['round'].id}/ranking"
    second_page = client.get(f"{url}?page=2").get_data(as_text=True)
    table = second_page.split('<table class="ranking">')[1].split("</table>")[0]
    assert [title for title in ("改革一", "改革二", "改革三", "改革四", "改革五") if title in table] == [
        "改革三",
        "改革四",
    ]
    assert "<td>3</td>" in table and "<td>4</td>" in table  # their ranks of the whole round, by the mean
    assert "第 2 页，共 3 页" in second_page
    exported = load_workbook(io.BytesIO(client.get(f"{url}?export=xlsx").data)).active
    titles = [row[3] for row in exported.iter_rows(values_only=True) if row[3] and str(row[3]).startswith("改革")]
    assert titles == ["改革一", "改革二", "改革三", "改革四", "改革五"]  # 改革一 ties 改革二 at 80, first by number
