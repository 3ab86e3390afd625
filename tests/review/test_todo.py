"""What of review waits: an expert's reviews and screenings; the office's proposals not yet looked at, late experts
and unpublished decisions."""

from datetime import timedelta

import pytest

from core import clock
from core.todo import todo_for
from review.models import Decision, Recommendation, ReviewStage
from review.services import assignments, field_visits, reviews, screening, stages, suggestion_reviews
from solicitation.models import RoundStatus
from solicitation.services import proposals, suggestions
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_open_round, make_proposal, make_suggestion, make_user


@pytest.fixture
def page_request(app):
    with app.test_request_context("/"):
        yield


def waiting(user, today=None) -> dict:
    return {item.text: item for item in todo_for(user, today or clock.today())}


def test_an_expert_is_asked_for_the_reviews_and_screenings_still_open(page_request):
    office = make_user(role="office")
    round = make_open_round(actor=office)
    criterion = make_criterion(round=round, actor=office)
    expert = make_user(role="expert")
    made = [
        assignments.assign_expert(actor=office, expert=expert, proposal=make_proposal(round=round, submit=True))
        for _ in range(3)
    ]
    suggestion = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(round=round))
    suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=[suggestion.id])
    assert f"{round.title}：待提交的评审意见" not in waiting(expert)  # still soliciting: nothing to score yet
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    assignments.publish_assignments(actor=office, round=round)

    items = waiting(expert)
    todo = items[f"{round.title}：待提交的评审意见"]
    assert todo.count == 3 and todo.due == round.review_deadline and todo.url == "/reviews"
    assert items["待筛选的群众建议"].count == 1

    reviews.save_review(
        actor=expert,
        assignment=made[0],
        scores={criterion.id: (8, "")},
        comment="可行",
        recommendation=Recommendation.recommend,
        familiarity=None,
    )
    reviews.submit_review(actor=expert, assignment=made[0])
    assert waiting(expert)[f"{round.title}：待提交的评审意见"].count == 2
    stages.move_stage(actor=office, round=round, stage=ReviewStage.discussion)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    assert f"{round.title}：待提交的评审意见" not in waiting(expert)  # reviews are closed


def test_the_office_is_told_of_proposals_submitted_until_it_returns_them_or_gives_them_to_an_expert(page_request):
    office = make_user(role="office")
    round = make_open_round(actor=office)
    returned, given, _sent = (make_proposal(round=round, submit=True) for _ in range(3))
    make_proposal(round=round)  # a draft is the unit's
    text = f"{round.title}：已提交、尚未审核或分配专家的项目"
    item = waiting(office)[text]
    assert item.count == 3 and item.url == f"/rounds/{round.id}/assignments"
    proposals.return_proposal(actor=office, proposal=returned, reason="请补充改革目标")
    assignments.assign_expert(actor=office, expert=make_user(role="expert"), proposal=given)
    assert waiting(office)[text].count == 1
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    assert waiting(office)[text].count == 1
    transition_round(actor=office, round=round, target=RoundStatus.planning)
    assert text not in waiting(office)  # past review, nothing is checked any more


def test_the_office_is_told_of_late_experts_and_decisions_to_publish(page_request):
    office = make_user(role="office")
    round = make_open_round(actor=office)
    make_criterion(round=round, actor=office)
    late, other = make_user(role="expert"), make_user(role="expert")
    proposal = make_proposal(round=round, submit=True)
    for expert in (late, other):
        assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    assignments.publish_assignments(actor=office, round=round)
    text = f"{round.title}：评审截止后仍未提交意见的专家"
    assert text not in waiting(office)
    after = waiting(office, today=round.review_deadline + timedelta(days=1))[text]
    assert after.count == 2 and after.url == f"/rounds/{round.id}/review-progress"

    stages.move_stage(actor=office, round=round, stage=ReviewStage.discussion)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    screening.decide_proposal(actor=office, proposal=proposal, decision=Decision.not_selected, reason="不符合")
    decisions = waiting(office)[f"{round.title}：评审结果尚未公布"]
    assert decisions.count == 1 and decisions.url == f"/rounds/{round.id}/ranking"
    screening.publish_decisions(actor=office, round=round)
    assert f"{round.title}：评审结果尚未公布" not in waiting(office)


def test_an_expert_is_asked_for_the_field_research_the_office_requested_until_a_visit_is_recorded(page_request):
    office = make_user(role="office")
    round = make_open_round(actor=office)
    make_criterion(round=round, actor=office)
    expert, other = make_user(role="expert"), make_user(role="expert")
    asked, not_asked = make_proposal(round=round, submit=True), make_proposal(round=round, submit=True)
    for proposal in (asked, not_asked):
        assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    assignments.publish_assignments(actor=office, round=round)
    text = "改革办要求实地调研的项目"
    assert text not in waiting(expert)  # nothing asked yet

    screening.set_flag(actor=office, proposal=asked, flag="field_visit_requested", on=True)
    item = waiting(expert)[text]
    assert item.count == 1 and item.url == "/reviews"
    assert text not in waiting(other)  # not their proposal

    field_visits.record_field_visit(
        actor=expert, proposal=asked, visited_on=clock.today(), place="平湖街道", people_met="", findings="已核实"
    )
    assert text not in waiting(expert)
