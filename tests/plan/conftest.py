"""Fixtures of the plan's tests: a round drafting its plan, and a published plan."""

from datetime import date

import pytest

from plan.models import PlanStatus
from plan.services import key_projects
from plan.services import plans as services
from review.models import Decision, ReviewStage
from review.services import screening, stages
from solicitation.models import RoundStatus
from solicitation.services import suggestions
from solicitation.services.rounds import transition_round
from tests.factories import make_open_round, make_proposal, make_suggestion, make_user


@pytest.fixture
def planning():
    """A round drafting its plan: three proposals selected (decisions published), one not."""
    office = make_user(role="office")
    round = make_open_round(categories=("社会管理", "民生事业"))
    titles = ["推进网格管理标准化", "创新家庭医生服务模式", "探索技能人才规模化培养路径", "建立河长制长效管护机制"]
    proposals = [make_proposal(round=round, submit=True, title=title) for title in titles]
    # A resident's suggestion that fed the first proposal.
    suggestion = suggestions.accept_suggestion(
        actor=office, suggestion=make_suggestion(round=round, title="网格员太少")
    )
    suggestions.link_proposals(actor=office, suggestion=suggestion, proposal_ids=[proposals[0].id])
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.discussion)
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    for proposal in proposals[:3]:
        screening.decide_proposal(actor=office, proposal=proposal, decision=Decision.selected)
    screening.decide_proposal(actor=office, proposal=proposals[3], decision=Decision.not_selected)
    screening.publish_decisions(actor=office, round=round)
    transition_round(actor=office, round=round, target=RoundStatus.planning)
    return {"office": office, "round": round, "proposals": proposals, "suggestion": suggestion}


def lead_everything(plan, office, leader=None):
    """Every project led by its proposing unit and 高自民; the first two by `leader`'s account when given."""
    for index, project in enumerate(plan.projects):
        key_projects.update_key_project(
            actor=office,
            project=project,
            fields={
                "title": project.title,
                "problem": project.problem,
                "lead_leader": "高自民",
                "lead_leader_id": leader.id if leader and index < 2 else None,
                "lead_unit_id": project.lead_unit_id,
            },
        )


@pytest.fixture
def leader():
    """A district leader's account: 戴斌."""
    return make_user(role="leader", display_name="戴斌")


@pytest.fixture
def published(planning, request):
    """The planning round's plan, every project led by 高自民 and its proposing unit, approved and published; with
    the `leader` fixture asked for too, that leader's account leads the first two projects."""
    office = planning["office"]
    plan = services.create_plan(actor=office, round=planning["round"])
    leader = request.getfixturevalue("leader") if "leader" in request.fixturenames else None
    lead_everything(plan, office, leader)
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        services.transition_plan(
            actor=office, plan=plan, target=target, meeting="第十三次会议", approved_on=date(2017, 3, 1)
        )
    return plan
