"""The demo is read from the Longgang seed and gives every role something to explore."""

from sqlalchemy import func, select

from accounts.models import Role, Unit, UnitKind, User
from core import clock
from demo.longgang import load_seed
from extensions import db
from review import queries as review_queries
from review.models import Conflict, Review, ReviewStage, ReviewStatus
from review.ranking import rank_round, rank_suggestions
from solicitation.models import Channel, Proposal, ProposalStatus, Round, RoundStatus, Suggestion, SuggestionStatus


def test_the_seed_gives_the_facts_of_the_longgang_round():
    seed = load_seed()
    assert seed.year == 2017
    assert (seed.proposals_received, seed.suggestions_received) == (108, 115)
    assert len(seed.key_projects) == 11 and seed.key_projects[0].title == "推进基础设施供给侧结构性改革"
    family_doctors = seed.key_projects[10]
    assert (family_doctors.number, family_doctors.title) == ("十一", "创新家庭医生服务模式")
    assert family_doctors.background.startswith("为解决") and family_doctors.background.endswith("问题。")
    assert family_doctors.content.startswith("从签约服务方式")
    assert seed.lead_units == ["区政务办", "区发改局", "区科创局", "区教育局"]
    assert seed.categories == ["政府职能转变", "经济发展", "城市建设", "社会管理", "民生事业"]
    assert seed.leaders == {"区委书记": "高自民", "区长": "戴斌"}


def test_demo_load_creates_the_round_units_criteria_and_a_login_per_role(runner, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    round = db.session.scalar(select(Round).where(Round.year == 2017))
    assert round.status is RoundStatus.planning  # reviewed, decided, its plan published
    proposals = db.session.scalars(select(Proposal).where(Proposal.round_id == round.id)).all()
    key_titles = {p.title for p in load_seed().key_projects}
    assert key_titles < {p.title for p in proposals} and len(proposals) == 20
    assert {p.status for p in proposals} == {ProposalStatus.submitted}

    assert [c.name for c in round.categories] == load_seed().categories
    criteria = review_queries.criteria_of(round.id)
    assert [(c.name, c.counted) for c, _ in criteria] == [
        ("聚焦中心工作", True),
        ("问题导向", True),
        ("需求导向", True),
        ("先行先试", True),
        ("可复制推广", True),
        ("适合试点?", False),
    ]
    assert criteria[1][0].veto_at == 3 and criteria[0][0].point_label(10) == "10 · 完全符合"
    kinds = set(db.session.scalars(select(Unit.kind)))
    assert kinds == set(UnitKind)
    assert {role for role in db.session.scalars(select(User.role))} == set(Role)
    assert "Demo round: 金湾区2023年改革攻坚任务 (implementing)." in result.output
    for line in ("office", "unit.zhengwuban", "expert.liu", "leader.gao", "office.jinwan"):
        assert line in result.output
    response = client.post("/login", data={"username": "office", "password": "Longgang2017"})
    assert response.status_code == 302


def test_the_2017_panel_has_reviewed_and_the_key_projects_rank_first(runner):
    runner.invoke(args=["demo", "load"])
    round = db.session.scalar(select(Round).where(Round.year == 2017))
    statuses = set(db.session.scalars(select(Review.status)))
    assert statuses == {ReviewStatus.draft, ReviewStatus.submitted}
    assert db.session.scalar(select(func.count(Conflict.id))) > 0
    ranked = rank_round(round.id).rows
    key_titles = {p.title for p in load_seed().key_projects}
    assert {row.proposal.title for row in ranked[:11]} == key_titles
    assert review_queries.funnel(round.id) == {"received": 20, "reviewed": 20, "shortlisted": 14, "selected": 11}
    # The office has decided; the harsh expert's lowest scores of 问题导向 raised veto flags on weak proposals.
    assert review_queries.review_settings(round.id).stage is ReviewStage.decision
    vetoed = {row.proposal.title for row in ranked if row.vetoes}
    assert vetoed and not vetoed & key_titles
    visited = {row.proposal.title for row in ranked if row.field_visits}
    assert visited == {"推进网格管理标准化", "创新家庭医生服务模式"}


def test_the_2017_plan_is_published_with_the_seeds_eleven_projects_and_two_quarters_of_progress(runner, client):
    from plan import queries as plan_queries
    from plan.models import PlanStatus, ProgressStatus, ReportState

    runner.invoke(args=["demo", "load"])
    round = db.session.scalar(select(Round).where(Round.year == 2017))
    [plan] = plan_queries.plans_of(round.id)
    assert plan.status is PlanStatus.published and plan.meeting == "区委全面深化改革领导小组第十三次会议"
    seed = load_seed()
    assert [(p.number, p.title) for p in plan.projects] == [(p.number, p.title) for p in seed.key_projects]
    assert plan.projects[0].lead_leader.startswith("高自民") and plan.projects[1].lead_leader.startswith("戴斌")
    leaders = [p.lead_leader_account.username if p.lead_leader_account else None for p in plan.projects[:3]]
    assert leaders == ["leader.gao", "leader.dai", None]  # their to-do lists and 我牵头的项目 show them
    assert all(len(p.milestones) == 4 for p in plan.projects)  # the battle map has something to draw
    reports = plan_queries.reports_by_project(plan.id)
    assert all(set(reports[p.id]) == {1, 2} for p in plan.projects)
    assert all(r.state is ReportState.accepted for by_quarter in reports.values() for r in by_quarter.values())
    lagging = [p.title for p in plan.projects if reports[p.id][2].status is ProgressStatus.lagging]
    assert lagging == ["深化土地整备共享开发模式"]
    first = plan.projects[0]  # broken into weighted tasks, its share rolled up from theirs
    assert len(first.tasks) == 4 and [reports[first.id][q].percent for q in (1, 2)] == [25, 50]
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "一、推进基础设施供给侧结构性改革" in page and "第2季度 · 50% · 正常推进" in page


def test_the_next_round_is_open_with_proposals_in_every_status_and_suggestions_from_every_channel(runner):
    runner.invoke(args=["demo", "load"])
    round = db.session.scalar(select(Round).where(Round.year == clock.today().year + 1))
    assert round.status is RoundStatus.soliciting
    assert round.solicitation_opens <= clock.today() <= round.solicitation_closes
    proposals = db.session.scalars(select(Proposal).where(Proposal.round_id == round.id)).all()
    assert {p.status for p in proposals} == set(ProposalStatus)
    heard = db.session.scalars(select(Suggestion).where(Suggestion.round_id == round.id)).all()
    assert {s.channel for s in heard} == set(Channel)
    assert {s.status for s in heard} == set(SuggestionStatus)
    assert any(s.is_public and s.second_count for s in heard)
    # Experts are screening the suggestions taken up; the referred one became its unit's draft proposal.
    screened = rank_suggestions(round.id)
    assert screened and all(row.sent == 3 for row in screened) and any(row.n < row.sent for row in screened)
    drafted = [p for p in proposals if p.source_suggestion is not None]
    assert len(drafted) == 1 and drafted[0].status is ProposalStatus.draft
    assert drafted[0] in drafted[0].source_suggestion.proposals


def test_demo_load_twice_adds_nothing(runner):
    runner.invoke(args=["demo", "load"])
    users = db.session.scalar(select(func.count(User.id)))
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count(User.id))) == users
    assert db.session.scalar(select(func.count(Round.id))) == 3  # Longgang 2017, Jinwan 2023, the next round
