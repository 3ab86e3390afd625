"""Every page that lists records reads them in a fixed number of SQL statements, however many rows it shows.

Each test draws a page with 2 rows and again with 6 rows of what it lists and asserts the same statement count:
a query per row (an N+1) would show as 4 statements more.
"""

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from accounts.services import create_api_token
from core.mail import MailFailure, OutboxMessage
from core.models import utcnow
from extensions import db
from jobs.models import JobState
from jobs.services import enqueue
from plan import queries
from plan.models import PlanStatus, ProgressStatus
from plan.services import key_projects, progress, tasks
from plan.services import plans as plan_services
from review.models import Criterion, Familiarity, Recommendation
from review.services import assignments, reviews, suggestion_reviews
from search_index.models import SearchQueue
from solicitation.models import Proposal, RoundStatus
from solicitation.services import suggestions
from solicitation.services.exports import EXPORT_SUGGESTIONS
from solicitation.services.rounds import transition_round
from tests.conftest import statements_run
from tests.factories import (
    make_criterion,
    make_open_round,
    make_proposal,
    make_suggestion,
    make_unit,
    make_user,
)

FEWER, MORE = 2, 6


def statements_to_draw(client, page: str, shown: list[str]) -> int:
    """Draw `page` once (what a first request warms), check it shows `shown`, then count a second drawing."""
    response = client.get(page)
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text
    assert [item for item in shown if item not in text] == []
    return statements_run(lambda: client.get(page))


def assert_the_same_statements(client, world) -> None:
    """`world(n)` makes n rows and returns (page, what it must show); both sizes take the same statements."""
    counts = [statements_to_draw(client, *world(n)) for n in (FEWER, MORE)]
    assert counts[0] == counts[1], f"{counts[1] - counts[0]} statements more for {MORE - FEWER} rows more"


def titles(n: int, what: str) -> list[str]:
    """n names never used before in the test run."""
    return [f"{what}{next(_numbers)}号" for _ in range(n)]


_numbers = itertools.count(1)


def reviewing_round(office, n: int, *, with_reviews: bool = False):
    """A round under review: n submitted proposals (each of its own unit, with a cooperating unit), each assigned
    to its own expert, published; with_reviews=True, each expert has scored and submitted."""
    round = make_open_round()
    criterion = make_criterion(round=round, name="问题导向", max_score=10)
    cooperating = make_unit()
    names = titles(n, "改革项目")
    proposals = [
        make_proposal(round=round, submit=True, title=title, cooperating_unit_ids=[cooperating.id]) for title in names
    ]
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    experts = [make_user(role="expert") for _ in proposals]
    made = [
        assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
        for expert, proposal in zip(experts, proposals, strict=True)
    ]
    assignments.publish_assignments(actor=office, round=round)
    if with_reviews:
        for assignment, expert in zip(made, experts, strict=True):
            reviews.save_review(
                actor=expert,
                assignment=assignment,
                scores={criterion.id: (8, "问题清楚")},
                comment="建议推荐",
                recommendation=Recommendation.recommend,
                familiarity=Familiarity.high,
            )
            reviews.submit_review(actor=expert, assignment=assignment)
    return round, names + [expert.display_name for expert in experts]


def published_plan(office, n: int, *, lead_unit=None, leader=None):
    """A published plan of its own round with n key projects, each led by `lead_unit` or a unit of its own (and by
    `leader`'s account when given); and their titles."""
    round = make_open_round(actor=office)
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        transition_round(actor=office, round=round, target=status)
    plan = plan_services.create_plan(actor=office, round=round)
    names = titles(n, "重点改革项目")
    for title in names:
        key_projects.add_key_project(
            actor=office,
            plan=plan,
            fields={
                "title": title,
                "lead_leader": "高自民",
                "lead_leader_id": leader.id if leader else None,
                "lead_unit_id": (lead_unit or make_unit()).id,
            },
        )
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        plan_services.transition_plan(
            actor=office, plan=plan, target=target, meeting="第十三次会议", approved_on=date(2017, 3, 1)
        )
    return plan, names


def accepted(office, round, title):
    """A resident's suggestion the office took up."""
    return suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(round=round, title=title))


def reported(plan) -> None:
    """Each project's lead unit reports its first quarter."""
    for project in plan.projects:
        staff = make_user(role="unit_staff", unit=project.lead_unit)
        progress.save_report(
            actor=staff,
            project=project,
            quarter=1,
            submit=True,
            percent=30,
            status=ProgressStatus.on_track,
            achievements="完成方案制定",
        )


# The office's lists


def test_the_suggestions_list(client, login_as):
    login_as("office")
    round = make_open_round()

    def world(n):
        names = titles(n, "建议")
        for title in names:
            make_suggestion(round=round, title=title)
        return f"/rounds/{round.id}/suggestions", names

    assert_the_same_statements(client, world)


@pytest.mark.parametrize("action", ["refer", "duplicate", "link"])
def test_the_bulk_triage_confirmation(client, login_as, action):
    """The confirmation of a bulk action reads the chosen suggestions, their links and whom it mails at once."""
    office = login_as("office")
    round = make_open_round()
    unit = make_unit()
    make_user(role="unit_staff", unit=unit)
    original = accepted(office, round, "原建议")
    proposal = make_proposal(round=round, submit=True)
    url = f"/rounds/{round.id}/suggestions/bulk"
    choice = {"action": action, "unit_id": unit.id, "original": original.display_code, "proposal_id": proposal.id}

    def statements(n: int) -> int:
        names = titles(n, "批量建议")
        chosen = [accepted(office, round, title) for title in names]
        data = {"suggestion_id": [suggestion.id for suggestion in chosen], **choice}
        page = client.post(url, data=data).get_data(as_text=True)
        assert [name for name in names if name not in page] == []
        return statements_run(lambda: client.post(url, data=data))

    fewer, more = statements(FEWER), statements(MORE)
    assert fewer == more, f"{more - fewer} statements more for {MORE - FEWER} rows more"


def test_the_proposals_list(client, login_as):
    login_as("office")
    round, cooperating = make_open_round(), make_unit()

    def world(n):
        names = titles(n, "申报项目")
        for title in names:
            make_proposal(round=round, submit=True, title=title, cooperating_unit_ids=[cooperating.id])
        return f"/rounds/{round.id}/proposals", names

    assert_the_same_statements(client, world)


def test_the_units_list(client, login_as):
    login_as("office")

    def world(n):
        names = titles(n, "区改革单位")
        for name in names:
            make_unit(name=name)
        return "/admin/units", names

    assert_the_same_statements(client, world)


def test_the_users_list(client, login_as):
    login_as("office")

    def world(n):
        names = titles(n, "单位联络员")
        for name in names:
            make_user(role="unit_staff", display_name=name)
        return "/admin/users", names

    assert_the_same_statements(client, world)


def test_the_audit_log(client, login_as):
    login_as("office")

    def world(n):
        for name in titles(n, "审计单位"):
            make_unit(name=name, actor=make_user(role="office", display_name=f"{name}经办"))  # each its own actor
        return "/audit", []

    assert_the_same_statements(client, world)


def test_the_offices_to_do(client, login_as):
    """The menu of every staff page counts it: as many statements for many rounds with suggestions waiting as for
    a few."""
    login_as("office")

    def world(n):
        rounds = [make_open_round(title=title) for title in titles(n, "征集轮次")]
        for round in rounds:
            make_suggestion(round=round)
        return "/", [f"{round.title}：尚未受理的群众建议" for round in rounds]

    assert_the_same_statements(client, world)


def test_the_api_tokens_list(client, login_as):
    office = login_as("office")

    def world(n):
        names = titles(n, "对接系统")
        for name in names:
            create_api_token(actor=office, user=make_user(role="office"), name=name, rate_limit="600/hour")
        return "/admin/tokens", names

    assert_the_same_statements(client, world)


def test_the_undelivered_mail_list(client, login_as):
    login_as("office")

    def world(n):
        for number in range(n):
            message = OutboxMessage(
                kind="suggestion_received", recipient=f"r{number}@example.cn", subject="通知", body="…"
            )
            message.attempts, message.failed_at, message.failure = 1, utcnow(), MailFailure.recipient
            message.last_error = "550 5.1.1 Recipient address rejected"
            db.session.add(message)
        db.session.commit()
        return "/admin/mail", []

    assert_the_same_statements(client, world)


def test_the_background_jobs_and_queues(client, login_as):
    login_as("office")

    def world(n):
        for number in range(n):
            job = enqueue(EXPORT_SUGGESTIONS, {}, actor=make_user(role="office"))
            job.state, job.error = JobState.failed, "RuntimeError: 磁盘已满"
            message = OutboxMessage(
                kind="suggestion_received", recipient=f"q{number}@example.cn", subject="通知", body="…"
            )
            message.attempts, message.failed_at, message.failure = 1, utcnow(), MailFailure.recipient
            message.last_error = "550 5.1.1 Recipient address rejected"
            db.session.add(message)
            db.session.add(SearchQueue(kind="proposal", record_id=number))
            db.session.add(SearchQueue(kind="proposal", record_id=number, failed_at=utcnow(), error="KeyError: 1"))
        db.session.commit()
        return "/admin/jobs", ["RuntimeError: 磁盘已满", "550 5.1.1", "KeyError: 1"]

    assert_the_same_statements(client, world)


def test_the_assignments_board(client, login_as):
    office = login_as("office")

    def world(n):
        round, shown = reviewing_round(office, n)
        return f"/rounds/{round.id}/assignments", shown

    assert_the_same_statements(client, world)


def test_the_review_progress(client, login_as):
    office = login_as("office")

    def world(n):
        round, shown = reviewing_round(office, n, with_reviews=True)
        return f"/rounds/{round.id}/review-progress", shown[n:]

    assert_the_same_statements(client, world)


def test_the_ranking(client, login_as):
    office = login_as("office")

    def world(n):
        round, shown = reviewing_round(office, n, with_reviews=True)
        return f"/rounds/{round.id}/ranking", shown[:n]

    assert_the_same_statements(client, world)


def test_the_ranking_past_one_page(app, client, login_as, monkeypatch):
    """More proposals than a page holds: the page reads its rows only, in the same statements as a short round."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    office = login_as("office")

    def world(n):
        round, shown = reviewing_round(office, n, with_reviews=True)
        return f"/rounds/{round.id}/ranking?sort=calibrated&page={-(-n // 3)}", shown[3 * ((n - 1) // 3) : n]

    assert_the_same_statements(client, world)


@pytest.mark.parametrize("reason", ["", "得分在分数线以下"], ids=["refused, the ranking again", "confirmation"])
def test_a_decision_on_a_selection_of_the_ranking(client, login_as, reason):
    office = login_as("office")

    def statements(n):
        round, shown = reviewing_round(office, n, with_reviews=True)
        ids = db.session.scalars(select(Proposal.id).where(Proposal.round_id == round.id)).all()
        form = {"proposal_ids": [str(i) for i in ids], "action": "not_selected", "reason": reason}
        page = client.post(f"/rounds/{round.id}/decisions/bulk", data=form).get_data(as_text=True)
        assert [title for title in shown[:n] if title not in page] == []
        return statements_run(lambda: client.post(f"/rounds/{round.id}/decisions/bulk", data=form))

    counts = [statements(n) for n in (FEWER, MORE)]
    assert counts[0] == counts[1], f"{counts[1] - counts[0]} statements more for {MORE - FEWER} rows more"


def test_the_plan_being_drafted(client, login_as):
    office = login_as("office")

    def world(n):
        plan, names = published_plan(office, n)
        return f"/rounds/{plan.round_id}/plan", names

    assert_the_same_statements(client, world)


def test_the_plans_progress_reports(client, login_as):
    office = login_as("office")

    def world(n):
        plan, names = published_plan(office, n)
        reported(plan)
        return f"/plans/{plan.id}/progress", names

    assert_the_same_statements(client, world)


def test_a_lead_units_own_progress_page(client):
    office, unit = make_user(role="office"), make_unit()
    client.login(make_user(role="unit_staff", unit=unit))

    def world(n):
        plan, names = published_plan(office, n, lead_unit=unit)
        reported(plan)
        return "/progress", names

    assert_the_same_statements(client, world)


# The public pages


def test_the_home_page(client):
    office = make_user(role="office")

    def world(n):
        published_plan(office, n)
        return "/", []

    assert_the_same_statements(client, world)


def test_the_published_plans(client):
    office = make_user(role="office")

    def world(n):
        shown = []
        for _ in range(n):
            plan, _names = published_plan(office, 1)
            shown.append(f'href="/plans/{plan.id}"')
        return "/plans", shown

    assert_the_same_statements(client, world)


def test_a_published_plan(client):
    office = make_user(role="office")

    def world(n):
        plan, names = published_plan(office, n)
        reported(plan)
        return f"/plans/{plan.id}", names

    assert_the_same_statements(client, world)


def test_what_the_round_heard(client):
    office = make_user(role="office")
    round = make_open_round(categories=("经济发展", "民生事业", "社会治理"))

    def world(n):
        names = titles(n, "公开建议")
        for title in names:
            suggestions.set_public(actor=office, suggestion=accepted(office, round, title), public=True)
        return f"/heard?round={round.id}", names

    assert_the_same_statements(client, world)


def test_the_suggestion_form(client):
    def world(n):
        names = [make_open_round().title for _ in range(n)]
        return "/suggest", names

    assert_the_same_statements(client, world)


def test_tracking_a_suggestion(client):
    office = make_user(role="office")
    round = make_open_round()
    suggestion = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(round=round))

    def world(n):
        names = titles(n, "采纳项目")
        proposals = [make_proposal(round=round, submit=True, title=title) for title in names]
        suggestions.link_proposals(
            actor=office,
            suggestion=suggestion,
            proposal_ids=[proposal.id for proposal in suggestion.proposals] + [proposal.id for proposal in proposals],
        )
        return f"/track?code={suggestion.tracking_code}", []

    assert_the_same_statements(client, world)


def test_the_rounds_list(client, login_as):
    login_as("office")
    assert_the_same_statements(client, lambda n: ("/rounds", [make_open_round().title for _ in range(n)]))


def test_the_referred_suggestions_a_unit_answers(client):
    office, unit = make_user(role="office"), make_unit()
    client.login(make_user(role="unit_staff", unit=unit))
    round = make_open_round()

    def world(n):
        names = titles(n, "转办建议")
        for title in names:
            suggestions.refer_suggestion(actor=office, suggestion=accepted(office, round, title), unit=unit)
        return "/referrals", names

    assert_the_same_statements(client, world)


def test_the_suggestion_screening(client, login_as):
    office = login_as("office")
    for _ in range(3):
        make_user(role="expert")
    round = make_open_round()

    def world(n):
        names = titles(n, "筛选建议")
        chosen = [accepted(office, round, title).id for title in names]
        suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=chosen)
        return f"/rounds/{round.id}/suggestion-screening", names

    assert_the_same_statements(client, world)


def test_an_experts_reviews(client):
    office, expert = make_user(role="office"), make_user(role="expert")
    client.login(expert)

    def world(n):
        round = make_open_round()
        names = titles(n, "评审项目")
        proposals = [make_proposal(round=round, submit=True, title=title) for title in names]
        transition_round(actor=office, round=round, target=RoundStatus.reviewing)
        for proposal in proposals:
            assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
        assignments.publish_assignments(actor=office, round=round)
        return "/reviews", names

    assert_the_same_statements(client, world)


def test_the_reviews_of_a_proposal(client, login_as):
    office = login_as("office")

    def world(n):
        round, shown = reviewing_round(office, 1, with_reviews=True)
        proposal = db.session.scalar(select(Proposal).where(Proposal.round_id == round.id))
        for _ in range(n - 1):
            expert = make_user(role="expert")
            assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
            assignments.publish_assignments(actor=office, round=round)
            criterion = db.session.scalar(select(Criterion).where(Criterion.round_id == round.id))
            reviews.save_review(
                actor=expert,
                assignment=assignment,
                scores={criterion.id: (7, "")},
                comment="可行",
                recommendation=Recommendation.recommend,
                familiarity=Familiarity.high,
            )
            reviews.submit_review(actor=expert, assignment=assignment)
        return f"/proposals/{proposal.id}/reviews", []

    assert_the_same_statements(client, world)


@pytest.mark.parametrize("page", ["bulletins/1", "assessment", "battle-map"])
def test_the_plans_own_pages(client, login_as, page):
    office = login_as("office")

    def world(n):
        plan, names = published_plan(office, n)
        reported(plan)
        return f"/plans/{plan.id}/{page}", names

    assert_the_same_statements(client, world)


def test_the_projects_a_leader_leads(client, login_as):
    leader = login_as("leader")
    office = make_user(role="office")

    def world(n):
        plan, names = published_plan(office, n, leader=leader)
        reported(plan)
        return "/leading", names

    assert_the_same_statements(client, world)


def test_the_confirmation_of_reports_accepted_at_once(client, login_as):
    office = login_as("office")

    def world(n):
        plan, names = published_plan(office, n)
        reported(plan)
        reports = queries.reports_by_project(plan.id)
        chosen = "&".join(f"report_id={r.id}" for by_quarter in reports.values() for r in by_quarter.values())
        return f"/plans/{plan.id}/progress/accept?quarter=1&{chosen}", names

    assert_the_same_statements(client, world)


def test_the_dashboard(client, login_as):
    office = login_as("office")

    def world(n):
        round, _shown = reviewing_round(office, n, with_reviews=True)
        return f"/rounds/{round.id}/dashboard", []

    assert_the_same_statements(client, world)


def test_the_dashboard_of_a_round_with_its_plan(client, login_as):
    office = login_as("office")

    def world(n):
        plan, names = published_plan(office, n)
        reported(plan)
        return f"/rounds/{plan.round_id}/dashboard", names

    assert_the_same_statements(client, world)


def test_a_key_projects_work_plan(client, login_as):
    office = login_as("office")
    plan, _names = published_plan(office, 1)
    project = plan.projects[0]

    def world(n):
        names = titles(n, "工作任务")
        for title in names:
            tasks.save_task(
                actor=office, project=project, title=title, weight=10, owner_unit_id=make_unit().id, due_quarter=2
            )
        return f"/key-projects/{project.id}/tasks", names

    assert_the_same_statements(client, world)


# The JSON API's list


def test_the_apis_suggestions_of_a_round(client):
    office = make_user(role="office")
    headers = {"Authorization": f"Bearer {create_api_token(actor=office, user=office, name='统计系统')}"}
    round = make_open_round()
    page, names = f"/api/v1/rounds/{round.id}/suggestions", []

    def statements_with(n):
        names.extend(titles(n, "接口建议"))
        for title in names[-n:]:
            make_suggestion(round=round, title=title)
        assert client.get(page, headers=headers).get_json()["total"] == len(names)
        return statements_run(lambda: client.get(page, headers=headers))

    assert statements_with(FEWER) == statements_with(MORE)
