"""Conflicts, assignments, reviews and the ranking, against hand-computed values."""

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from extensions import db
from review import queries
from review.errors import ReviewError
from review.models import Assignment, ConflictStatus, Familiarity, Recommendation, ReviewStatus
from review.ranking import rank_round
from review.scoring import summarise, weighted_total
from review.services import assignments, conflicts, reviews
from review.services.criteria import update_criterion
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_open_round, make_proposal, make_unit, make_user

R = Recommendation


@pytest.fixture
def setting():
    """A round under review with two criteria (weights 3 and 1, maxima 10 and 5), two proposals, an office."""
    office = make_user(role="office")
    round = make_open_round()
    feasibility = make_criterion(round=round, name="可行性", weight=3, max_score=10)
    novelty = make_criterion(round=round, name="创新性", weight=1, max_score=5)
    first = make_proposal(round=round, submit=True, title="第一项")
    second = make_proposal(round=round, submit=True, title="第二项")
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    return {"office": office, "round": round, "criteria": (feasibility, novelty), "proposals": (first, second)}


def review(setting, expert, proposal, scores, recommendation=R.recommend, submit=True):
    office = setting["office"]
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.expert_id == expert.id, Assignment.proposal_id == proposal.id)
    ) or assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    assignments.publish_assignments(actor=office, round=setting["round"])
    feasibility, novelty = setting["criteria"]
    reviews.save_review(
        actor=expert,
        assignment=assignment,
        comment="点评",
        scores={feasibility.id: (scores[0], ""), novelty.id: (scores[1], "")},
        recommendation=recommendation,
        familiarity=Familiarity.high,
    )
    if submit:
        reviews.submit_review(actor=expert, assignment=assignment)
    return assignment


def test_weighted_total_is_on_0_to_100_whatever_the_scales():
    criteria = [(1, 3, 10), (2, 1, 5)]
    assert weighted_total({1: 10, 2: 5}, criteria) == 100
    assert weighted_total({1: 5, 2: 0}, criteria) == pytest.approx(37.5)  # (3·0.5 + 1·0) / 4
    assert weighted_total({1: 5}, criteria) is None


def test_summary_statistics_by_hand():
    stats = summarise([60, 80, 70, 90])
    assert stats["n"] == 4 and stats["mean"] == 75 and stats["median"] == 75 and stats["range"] == 30
    assert stats["stdev"] == pytest.approx(12.9099, abs=1e-4)
    assert summarise([])["mean"] is None


def test_an_expert_working_for_the_proposing_or_a_cooperating_unit_is_conflicted_before_any_detection(setting):
    first, second = setting["proposals"]
    insider = make_user(role="expert", unit=second.unit)
    partner_unit = make_unit(name="区发改局")
    first.cooperating_units.append(partner_unit)
    db.session.commit()
    partner = make_user(role="expert", unit=partner_unit)
    for expert, proposal in ((insider, second), (partner, first)):
        with pytest.raises(ReviewError, match="conflict_of_interest"):
            assignments.assign_expert(actor=setting["office"], expert=expert, proposal=proposal)
    assert db.session.scalar(select(Assignment)) is None
    assignments.assign_expert(actor=setting["office"], expert=partner, proposal=second)  # no tie to this one


def test_detection_records_the_unit_conflicts_which_cannot_be_dismissed(setting):
    first, second = setting["proposals"]
    insider = make_user(role="expert", unit=second.unit)
    partner_unit = make_unit(name="区发改局")
    first.cooperating_units.append(partner_unit)
    db.session.commit()
    partner = make_user(role="expert", unit=partner_unit)
    found = conflicts.detect_conflicts(actor=setting["office"], round=setting["round"])
    assert {(c.expert, c.proposal) for c in found} == {(insider, second), (partner, first)}
    assert all(c.status is ConflictStatus.confirmed for c in found)
    assert conflicts.detect_conflicts(actor=setting["office"], round=setting["round"]) == []  # once only
    with pytest.raises(ReviewError, match="conflict_by_unit"):
        conflicts.decide_conflict(actor=setting["office"], conflict=found[0], confirm=False)
    assert found[0].status is ConflictStatus.confirmed


def test_a_dismissed_conflict_entered_by_the_office_no_longer_blocks(setting):
    first, _second = setting["proposals"]
    expert = make_user(role="expert")
    conflict = conflicts.record_conflict(actor=setting["office"], expert=expert, proposal=first, reason="同学")
    with pytest.raises(ReviewError, match="conflict_of_interest"):
        assignments.assign_expert(actor=setting["office"], expert=expert, proposal=first)
    conflicts.decide_conflict(actor=setting["office"], conflict=conflict, confirm=False)
    assignments.assign_expert(actor=setting["office"], expert=expert, proposal=first)


def test_an_expert_abstains_and_leaves_the_proposal(setting):
    expert = make_user(role="expert")
    first, _second = setting["proposals"]
    assignment = assignments.assign_expert(actor=setting["office"], expert=expert, proposal=first)
    assignments.publish_assignments(actor=setting["office"], round=setting["round"])
    conflicts.declare_conflict(actor=expert, proposal=first, reason="曾参与该项目前期论证")
    assert db.session.get(Assignment, assignment.id) is None
    assert db.session.scalars(queries.my_assignments(expert)).all() == []


def test_assignment_refuses_twice_and_past_the_maximum_load(setting):
    expert = make_user(role="expert")
    first, second = setting["proposals"]
    assignments.save_expert_profile(
        actor=setting["office"], expert=expert, institution="深圳大学", expertise="民生事业", max_load=1
    )
    assignments.assign_expert(actor=setting["office"], expert=expert, proposal=first)
    with pytest.raises(ReviewError, match="already_assigned"):
        assignments.assign_expert(actor=setting["office"], expert=expert, proposal=first)
    with pytest.raises(ReviewError, match="over_max_load"):
        assignments.assign_expert(actor=setting["office"], expert=expert, proposal=second)
    with pytest.raises(ReviewError, match="not_an_expert"):
        assignments.assign_expert(actor=setting["office"], expert=make_user(role="leader"), proposal=second)


def test_experts_see_assignments_only_once_published(setting):
    expert = make_user(role="expert")
    assignment = assignments.assign_expert(actor=setting["office"], expert=expert, proposal=setting["proposals"][0])
    assert db.session.scalars(queries.my_assignments(expert)).all() == []
    with pytest.raises(ReviewError, match="assignment_not_published"):
        reviews.save_review(
            actor=expert, assignment=assignment, scores={}, comment="", recommendation=None, familiarity=None
        )
    assert assignments.publish_assignments(actor=setting["office"], round=setting["round"]) == 1
    assert db.session.scalars(queries.my_assignments(expert)).all() == [assignment]


def test_a_submitted_review_is_locked_until_the_office_reopens_it(setting):
    expert = make_user(role="expert")
    assignment = review(setting, expert, setting["proposals"][0], (8, 4))
    with pytest.raises(ReviewError, match="review_locked"):
        review(setting, expert, setting["proposals"][0], (1, 1))
    reviews.reopen_review(actor=setting["office"], review=assignment.review)
    assert assignment.review.status is ReviewStatus.draft
    review(setting, expert, setting["proposals"][0], (6, 2))
    assert {s.value for s in assignment.review.scores} == {6, 2}
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Review")).all()
    assert actions.count("review.submit") == 2 and "review.reopen" in actions


def test_a_review_needs_every_score_in_range_and_a_recommendation(setting):
    expert = make_user(role="expert")
    with pytest.raises(ReviewError, match="score_out_of_range"):
        review(setting, expert, setting["proposals"][0], (11, 4))
    with pytest.raises(ReviewError, match="score_missing"):
        review(setting, expert, setting["proposals"][0], (8, None))
    with pytest.raises(ReviewError, match="recommendation_missing"):
        review(setting, expert, setting["proposals"][0], (8, 4), recommendation=None)


def test_saving_and_submitting_is_one_change_a_refused_submission_leaves_the_draft_as_it_was(setting):
    expert = make_user(role="expert")
    assignment = review(setting, expert, setting["proposals"][0], (7, 3), submit=False)
    feasibility, novelty = setting["criteria"]
    with pytest.raises(ReviewError, match="score_missing"):
        reviews.save_review(
            actor=expert,
            assignment=assignment,
            comment="改过的点评",
            scores={feasibility.id: (9, ""), novelty.id: (None, "")},
            recommendation=R.recommend,
            familiarity=Familiarity.high,
            submit=True,
        )
    db.session.expire_all()  # what the database holds, not what the session last saw
    kept = db.session.get(Assignment, assignment.id).review
    assert kept.status is ReviewStatus.draft and kept.comment == "点评"
    assert {s.criterion_id: s.value for s in kept.scores} == {feasibility.id: 7, novelty.id: 3}
    saves = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "review.save")).all()
    assert len(saves) == 1

    reviews.save_review(
        actor=expert,
        assignment=assignment,
        comment="改过的点评",
        scores={feasibility.id: (9, ""), novelty.id: (4, "")},
        recommendation=R.recommend,
        familiarity=Familiarity.high,
        submit=True,
    )
    db.session.expire_all()
    submitted = db.session.get(Assignment, assignment.id).review
    assert submitted.status is ReviewStatus.submitted and submitted.comment == "改过的点评"


def test_a_first_draft_refused_on_submission_is_not_saved_at_all(setting):
    expert = make_user(role="expert")
    assignment = assignments.assign_expert(actor=setting["office"], expert=expert, proposal=setting["proposals"][1])
    assignments.publish_assignments(actor=setting["office"], round=setting["round"])
    feasibility, novelty = setting["criteria"]
    with pytest.raises(ReviewError, match="recommendation_missing"):
        reviews.save_review(
            actor=expert,
            assignment=assignment,
            comment="点评",
            scores={feasibility.id: (8, ""), novelty.id: (4, "")},
            recommendation=None,
            familiarity=Familiarity.high,
            submit=True,
        )
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).review is None


def test_criteria_freeze_with_the_first_submitted_review(setting):
    review(setting, make_user(role="expert"), setting["proposals"][0], (8, 4))
    feasibility, _novelty = setting["criteria"]
    with pytest.raises(ReviewError, match="criteria_in_use"):
        update_criterion(actor=None, criterion=feasibility, name="可行性", description="", weight=5, max_score=10)


def test_ranking_aggregates_by_hand_and_leaves_conflicted_reviews_out(setting):
    first, second = setting["proposals"]
    experts = [make_user(role="expert") for _ in range(3)]
    # totals: (3·8/10 + 4/5)/4 = 80; (3·6/10 + 2/5)/4 = 55; (3·10/10 + 5/5)/4 = 100
    review(setting, experts[0], first, (8, 4), R.recommend)
    review(setting, experts[1], first, (6, 2), R.not_recommended)
    review(setting, experts[2], second, (10, 5), R.recommend)
    ranked = rank_round(setting["round"].id).rows
    assert [row.proposal for row in ranked] == [second, first]
    top, other = ranked
    assert (top.n, top.mean) == (1, 100)
    assert other.n == 2 and other.mean == pytest.approx(67.5) and other.median == pytest.approx(67.5)
    assert other.spread == pytest.approx(25) and other.conflicting
    feasibility, novelty = setting["criteria"]
    assert other.criterion_means == {feasibility.id: 7, novelty.id: 3}
    # a conflict found after the review: the review stays, flagged, out of the aggregates
    conflicts.record_conflict(actor=setting["office"], expert=experts[1], proposal=first, reason="亲属在申报单位")
    other = next(row for row in rank_round(setting["round"].id).rows if row.proposal == first)
    assert (other.n, other.mean, other.excluded) == (1, pytest.approx(80), 1)
    assert not other.conflicting


def test_a_criterion_not_counted_stays_out_of_the_total_and_a_low_score_raises_a_veto_flag(setting):
    first, second = setting["proposals"]
    feasibility, novelty = setting["criteria"]
    update_criterion(
        actor=None, criterion=feasibility, name="可行性", description="", weight=3, max_score=10, veto_at=1
    )
    pilot = make_criterion(round=setting["round"], name="适合试点?", weight=100, max_score=1, counted=False)
    experts = [make_user(role="expert") for _ in range(2)]
    for expert, proposal, scores in [
        (experts[0], first, (1, 5, 1)),  # (3·1/10 + 5/5)/4 = 32.5, and 可行性 at the veto threshold
        (experts[1], first, (9, 3, 0)),  # (3·9/10 + 3/5)/4 = 82.5
        (experts[0], second, (2, 1, 1)),  # (3·2/10 + 1/5)/4 = 20, above the threshold
    ]:
        assignment = assignments.assign_expert(actor=setting["office"], expert=expert, proposal=proposal)
        assignments.publish_assignments(actor=setting["office"], round=setting["round"])
        reviews.save_review(
            actor=expert,
            assignment=assignment,
            comment="",
            scores={feasibility.id: (scores[0], ""), novelty.id: (scores[1], ""), pilot.id: (scores[2], "")},
            recommendation=R.recommend,
            familiarity=None,
        )
        reviews.submit_review(actor=expert, assignment=assignment)
    rows = {row.proposal: row for row in rank_round(setting["round"].id).rows}
    assert rows[first].mean == pytest.approx((32.5 + 82.5) / 2)
    assert rows[first].criterion_means[pilot.id] == pytest.approx(0.5)
    assert rows[first].vetoes == {feasibility.id: 1}
    assert rows[second].mean == pytest.approx(20) and rows[second].vetoes == {}


def test_a_reviews_total_is_fixed_on_submission_and_cleared_when_reopened(setting):
    first, _second = setting["proposals"]
    expert = make_user(role="expert")
    assignment = review(setting, expert, first, (8, 4), submit=False)
    assert assignment.review.total is None
    reviews.submit_review(actor=expert, assignment=assignment)
    assert assignment.review.total == pytest.approx(80)  # (3·8/10 + 4/5)/4
    reviews.reopen_review(actor=setting["office"], review=assignment.review)
    assert assignment.review.total is None


def test_trimmed_mean_drops_the_highest_and_lowest_from_five_reviews():
    from review.scoring import trimmed_mean

    assert trimmed_mean([50, 60, 70, 80, 100]) == 70
    assert trimmed_mean([50, 60, 70, 80]) is None


def test_calibration_recovers_a_planted_harsh_expert_without_punishing_one_with_weak_proposals():
    import random

    from review.scoring import calibrate

    noise = random.Random(7)
    quality = {p: 40 + 4 * p for p in range(12)}  # proposals of clearly different merit
    bias = {"fair": 0.0, "kind": 5.0, "harsh": -15.0, "unlucky": 0.0}
    observations = []
    for p, q in quality.items():
        # the unlucky expert only draws the six weakest proposals; everyone else reviews everything
        experts = ["fair", "kind", "harsh"] + (["unlucky"] if p < 6 else [])
        observations += [(p, e, q + bias[e] + noise.uniform(-1, 1)) for e in experts]
    fitted_quality, fitted_bias = calibrate(observations, shrinkage=0.5)
    centre = sum(fitted_bias.values()) / len(fitted_bias)
    assert fitted_bias["harsh"] - centre == pytest.approx(-15 - (5 - 15) / 4, abs=2)
    assert abs(fitted_bias["unlucky"] - fitted_bias["fair"]) < 2  # drew weak proposals, is not harsh
    ranking = sorted(fitted_quality, key=fitted_quality.get)
    assert ranking == sorted(quality, key=quality.get)
