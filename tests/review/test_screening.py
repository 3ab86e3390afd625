"""Screening and selection: shortlist, decisions against the cut line, publication, what the unit then sees."""

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from core.mail import OutboxMessage
from extensions import db
from review.errors import ReviewError
from review.models import Assignment, Decision, ReviewStage
from review.queries import funnel, published_decision, review_settings
from review.ranking import rank_round
from review.services import assignments, screening, stages
from tests.factories import make_user


@pytest.fixture
def history():
    """The demo's 2017 round: 20 proposals reviewed, the 11 key projects ranking first."""
    from demo.cli import load_demo

    round, _next = load_demo(through_plan=False)
    office = make_user(role="office")
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    return round


def ranked_proposals(round):
    from review.ranking import rank_round

    return [row.proposal for row in rank_round(round.id).rows]


def test_a_decision_against_the_cut_line_needs_a_reason(history):
    office = make_user(role="office")
    assignments.save_review_settings(
        actor=office, round=history, reviewers_per_proposal=3, trim_extremes=False, blind=False, cut_line=11
    )
    ranked = ranked_proposals(history)
    first, twelfth = ranked[0], ranked[11]
    screening.decide_proposal(actor=office, proposal=first, decision=Decision.selected)
    with pytest.raises(ReviewError, match="reason_required_against_cut"):
        screening.decide_proposal(actor=office, proposal=twelfth, decision=Decision.selected)
    with pytest.raises(ReviewError, match="reason_required_against_cut"):
        screening.decide_proposal(actor=office, proposal=ranked[1], decision=Decision.not_selected)
    screening.decide_proposal(actor=office, proposal=twelfth, decision=Decision.selected, reason="市级试点任务，须列入")
    with pytest.raises(ReviewError, match="merge_target_required"):
        screening.decide_proposal(actor=office, proposal=ranked[15], decision=Decision.merged)
    screening.decide_proposal(actor=office, proposal=ranked[15], decision=Decision.merged, merged_into=first)
    assert funnel(history.id)["selected"] == 2


def test_the_cut_line_may_be_a_percentage_of_the_reviewed_proposals(client, login_as, history):
    office = make_user(role="office")
    with pytest.raises(ReviewError, match="cut_line_twice"):
        assignments.save_review_settings(
            actor=office,
            round=history,
            reviewers_per_proposal=3,
            trim_extremes=False,
            blind=False,
            cut_line=5,
            cut_percent=10,
        )
    assignments.save_review_settings(
        actor=office, round=history, reviewers_per_proposal=3, trim_extremes=False, blind=False, cut_percent=55
    )
    ranking = rank_round(history.id)
    assert ranking.cut_rank(review_settings(history.id)) == 11  # 55 % of 20 reviewed proposals
    ranked = [row.proposal for row in ranking.rows]
    with pytest.raises(ReviewError, match="reason_required_against_cut"):
        screening.decide_proposal(actor=office, proposal=ranked[11], decision=Decision.selected)
    login_as("office")
    page = client.get(f"/rounds/{history.id}/ranking").get_data(as_text=True)
    assert page.count("above-cut") == 11
    refused = client.post(
        f"/rounds/{history.id}/review-settings",
        data={"reviewers_per_proposal": "3", "cut_line": "5", "cut_percent": "30"},
    )
    assert refused.status_code == 400 and 'value="30"' in refused.get_data(as_text=True)
    assert review_settings(history.id).cut_percent == 55


def test_the_office_asks_for_field_research_and_the_assigned_expert_is_told(client, login_as, history):
    office = make_user(role="office")
    proposal, other = ranked_proposals(history)[:2]
    screening.set_flag(actor=office, proposal=proposal, flag="field_visit_requested", on=True)
    login_as("office")
    flagged = client.get(f"/rounds/{history.id}/ranking?flag=visit_requested").get_data(as_text=True)
    assert proposal.title in flagged and other.title not in flagged
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.proposal_id == proposal.id, Assignment.published)
    )
    client.login(assignment.expert, password="Longgang2017")
    assert "实地调研" in client.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "screening.field_visit_requested"))
    assert event.after == {"field_visit_requested": True, "lock_version": proposal.lock_version}


def test_decisions_stay_pending_until_published_then_the_unit_sees_and_is_told(app, client, history):
    office = make_user(role="office")
    proposal = ranked_proposals(history)[0]
    staff = proposal.unit.users[0]
    staff.email = "unit@example.cn"
    db.session.commit()
    screening.set_flag(actor=office, proposal=proposal, flag="shortlisted", on=True)
    screening.decide_proposal(actor=office, proposal=proposal, decision=Decision.selected, reason="问题导向突出")
    assert published_decision(proposal.id) is None
    assert client.post("/login", data={"username": staff.username, "password": "Longgang2017"}).status_code == 302
    assert "问题导向突出" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert screening.publish_decisions(actor=office, round=history) == 1
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "问题导向突出" in page
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "unit@example.cn"))
    assert funnel(history.id) == {
        "received": 20,
        "reviewed": 20,
        "shortlisted": 14,
        "selected": 1,
    }  # the demo shortlisted 14


def test_the_office_screens_from_the_proposals_reviews_page(client, login_as, history):
    login_as("office")
    proposal = ranked_proposals(history)[3]
    client.post(f"/proposals/{proposal.id}/flag", data={"on": "1"})
    response = client.post(f"/proposals/{proposal.id}/decision", data={"decision": "merged", "reason": ""})
    assert response.status_code == 400
    client.post(f"/proposals/{proposal.id}/decision", data={"decision": "selected", "reason": ""})
    page = client.get(f"/rounds/{history.id}/ranking").get_data(as_text=True)
    assert "确定为重点改革项目" in page or Decision.selected.label in page
    client.post(f"/rounds/{history.id}/decisions/publish")
    assert published_decision(proposal.id) is not None


def test_the_ranking_filters_and_exports_every_score(client, login_as, history):
    import io

    from openpyxl import load_workbook

    login_as("office")
    people = client.get(f"/rounds/{history.id}/ranking?category={history.categories[4].id}").get_data(as_text=True)
    assert "创新家庭医生服务模式" in people and "推进网格管理标准化" not in people  # 民生事业 vs 社会管理
    streets = client.get(f"/rounds/{history.id}/ranking?unit_kind=subdistrict").get_data(as_text=True)
    assert "推进网格管理标准化" in streets and "创新家庭医生服务模式" not in streets
    refused = client.get(f"/rounds/{history.id}/ranking?recommendation=not_recommended").get_data(as_text=True)
    assert "推行商事登记全程电子化" in refused and "创新科技服务管理精准化模式" not in refused
    response = client.get(f"/rounds/{history.id}/ranking?export=scores")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    header = rows[2]  # below the title and the date
    assert header[2] == "专家" and "聚焦中心工作" in header and "加权总分" in header
    submitted = len(rows) - 4  # less the title, the date, the header and the count
    assert rows[-1][0] == f"共 {submitted} 条"
    assert 50 <= submitted < 60  # three reviews a proposal, a few left as drafts


def test_the_ranking_flags_vetoes_and_filters_on_them(client, login_as, history):
    login_as("office")
    vetoed = [row.proposal for row in rank_round(history.id).rows if row.vetoes]
    page = client.get(f"/rounds/{history.id}/ranking?flag=veto").get_data(as_text=True)
    assert "否决：问题导向" in page and all(p.title in page for p in vetoed)
    assert f"共 {len(vetoed)} 条记录" in page
