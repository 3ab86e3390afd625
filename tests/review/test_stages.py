"""The review's stages (independent → panel discussion → office decision), its deadline, late experts and reminders."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from core import clock
from core.mail import OutboxMessage
from extensions import db
from review.errors import ReviewError
from review.models import Assignment, Decision, Recommendation, ReviewStage
from review.queries import expert_progress, review_settings
from review.services import assignments, reviews, screening, stages
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_open_round, make_proposal, make_user


@pytest.fixture
def panel():
    """A round under review: one criterion, two proposals, three experts each assigned both, published."""
    office = make_user(role="office")
    round = make_open_round()
    criterion = make_criterion(round=round, name="问题导向", max_score=10)
    proposals = [make_proposal(round=round, submit=True, title=t) for t in ("统一受理平台", "网格化管理")]
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    experts = [make_user(role="expert", display_name=n, email=f"{i}@example.cn") for i, n in enumerate("甲乙丙")]
    for expert in experts:
        for proposal in proposals:
            assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    assignments.publish_assignments(actor=office, round=round)
    return {"office": office, "round": round, "criterion": criterion, "proposals": proposals, "experts": experts}


def score(panel, expert, proposal, value, submit=True):
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.expert_id == expert.id, Assignment.proposal_id == proposal.id)
    )
    reviews.save_review(
        actor=expert,
        assignment=assignment,
        scores={panel["criterion"].id: (value, "")},
        comment=f"{expert.display_name}的点评",
        recommendation=Recommendation.recommend,
        familiarity=None,
    )
    if submit:
        reviews.submit_review(actor=expert, assignment=assignment)
    return assignment


def test_the_office_moves_the_review_one_stage_at_a_time_and_every_move_is_audited(panel):
    office, round = panel["office"], panel["round"]
    assert review_settings(round.id).stage is ReviewStage.independent
    with pytest.raises(ReviewError, match="stage_not_adjacent"):
        stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    with pytest.raises(ReviewError, match="office_only"):
        stages.move_stage(actor=panel["experts"][0], round=round, stage=ReviewStage.discussion)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.discussion)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.discussion)
    moves = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.stage").order_by(AuditEvent.id))
    assert [(e.before["stage"], e.after["stage"]) for e in moves] == [
        ("independent", "discussion"),
        ("discussion", "decision"),
        ("decision", "discussion"),
    ]


def test_reviews_close_and_decisions_open_with_the_office_decision_stage(panel):
    office, round = panel["office"], panel["round"]
    first, second = panel["proposals"]
    expert = panel["experts"][0]
    score(panel, expert, first, 8)
    with pytest.raises(ReviewError, match="decisions_in_decision_stage"):
        screening.decide_proposal(actor=office, proposal=first, decision=Decision.selected)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.discussion)
    score(panel, expert, second, 5)  # a late expert may still submit during the discussion
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    with pytest.raises(ReviewError, match="reviews_closed"):
        score(panel, panel["experts"][1], first, 6)
    screening.decide_proposal(actor=office, proposal=first, decision=Decision.selected)
    assert screening.publish_decisions(actor=office, round=round) == 1


def test_stage_dates_follow_the_review_deadline_in_order(panel):
    office, round = panel["office"], panel["round"]
    deadline = round.review_deadline
    with pytest.raises(ReviewError, match="discussion_before_deadline"):
        stages.save_stage_dates(
            actor=office, round=round, discussion_until=deadline - timedelta(days=1), decision_until=None
        )
    with pytest.raises(ReviewError, match="decision_before_discussion"):
        stages.save_stage_dates(
            actor=office, round=round, discussion_until=deadline + timedelta(days=7), decision_until=deadline
        )
    stages.save_stage_dates(
        actor=office,
        round=round,
        discussion_until=deadline + timedelta(days=7),
        decision_until=deadline + timedelta(days=14),
    )
    settings = review_settings(round.id)
    assert (settings.discussion_until, settings.decision_until) == (
        deadline + timedelta(days=7),
        deadline + timedelta(days=14),
    )


def test_the_panel_sees_each_others_scores_only_in_discussion_and_after_scoring(client, panel):
    first, _second = panel["proposals"]
    jia, yi, bing = panel["experts"]
    score(panel, yi, first, 9)
    score(panel, bing, first, 2)
    mine = score(panel, jia, first, 6, submit=False)
    client.login(jia)
    page = client.get(f"/reviews/{mine.id}").get_data(as_text=True)
    assert "乙的点评" not in page
    reviews.submit_review(actor=jia, assignment=mine)
    assert "乙的点评" not in client.get(f"/reviews/{mine.id}").get_data(as_text=True)  # still independent
    stages.move_stage(actor=panel["office"], round=panel["round"], stage=ReviewStage.discussion)
    page = client.get(f"/reviews/{mine.id}").get_data(as_text=True)
    assert "乙的点评" in page and "丙的点评" in page
    # Another expert who has not scored the proposal yet sees nothing of the others.
    other = make_user(role="expert")
    assignment = assignments.assign_expert(actor=panel["office"], expert=other, proposal=first)
    assignments.publish_assignments(actor=panel["office"], round=panel["round"])
    client.login(other)
    assert "乙的点评" not in client.get(f"/reviews/{assignment.id}").get_data(as_text=True)


def test_in_discussion_an_expert_sees_the_most_disputed_proposals_first(client, panel):
    first, second = panel["proposals"]
    jia, yi, bing = panel["experts"]
    for expert, values in ((jia, (5, 9)), (yi, (6, 1)), (bing, (5, 5))):
        score(panel, expert, first, values[0])
        score(panel, expert, second, values[1])
    client.login(jia)
    page = client.get("/reviews").get_data(as_text=True)
    assert page.index("统一受理平台") < page.index("网格化管理")  # assignment order while independent
    stages.move_stage(actor=panel["office"], round=panel["round"], stage=ReviewStage.discussion)
    page = client.get("/reviews").get_data(as_text=True)
    assert page.index("网格化管理") < page.index("统一受理平台")  # totals 90, 10, 50 dispute more than 50, 60, 50
    assert "40.0" in page  # the standard deviation of 90, 10 and 50


def test_the_office_sees_who_is_late_and_reminds_them_by_mail(app, client, panel):
    office, round = panel["office"], panel["round"]
    first, second = panel["proposals"]
    jia, yi, bing = panel["experts"]
    score(panel, jia, first, 7)
    score(panel, jia, second, 7)
    score(panel, yi, first, 6, submit=False)
    bing.email = None
    db.session.commit()
    progress = {
        row.expert: (row.assigned, row.submitted, row.drafts, row.outstanding) for row in expert_progress(round.id)
    }
    assert progress == {jia: (2, 2, 0, 0), yi: (2, 0, 1, 2), bing: (2, 0, 0, 2)}

    client.login(office)
    today = clock.today()
    round.solicitation_opens, round.solicitation_closes = today - timedelta(days=40), today - timedelta(days=10)
    round.review_deadline = today - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/rounds/{round.id}/review-progress").get_data(as_text=True)
    assert "已过评审截止日期" in page and page.count('class="late"') == 2
    response = client.post(f"/rounds/{round.id}/reminders", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "已提醒 1 位专家" in text and "1 位专家没有电子邮箱" in text
    [message] = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1:]
    assert message.recipient == yi.email and "2" in message.subject
    reminded = db.session.scalars(select(Assignment.reminded_at).where(Assignment.expert_id == yi.id)).all()
    assert all(reminded)
    assert db.session.scalar(select(Assignment.reminded_at).where(Assignment.expert_id == jia.id)) is None
    # Chosen experts only; someone with nothing outstanding is not reminded.
    response = client.post(f"/rounds/{round.id}/reminders", data={"expert_id": [str(jia.id)]}, follow_redirects=True)
    assert "没有待完成评审的专家" in response.get_data(as_text=True)
    export = client.get(f"/rounds/{round.id}/review-progress?export=csv&show=outstanding").get_data(as_text=True)
    assert "乙" in export and "甲" not in export


def test_the_office_moves_the_stage_and_sets_dates_from_the_progress_page(client, panel):
    office, round = panel["office"], panel["round"]
    client.login(office)
    response = client.post(f"/rounds/{round.id}/review-stage", data={"stage": "discussion"}, follow_redirects=True)
    assert "专家合议" in response.get_data(as_text=True)
    assert review_settings(round.id).stage is ReviewStage.discussion
    early = (round.review_deadline - timedelta(days=1)).isoformat()
    response = client.post(f"/rounds/{round.id}/review-stage-dates", data={"discussion_until": early})
    assert response.status_code == 400 and early in response.get_data(as_text=True)
    assert review_settings(round.id).discussion_until is None
