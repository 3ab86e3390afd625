"""Every page that changes something refuses those who may not change it, before it changes anything."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from extensions import db, limiter
from plan import progress
from plan import services as plan_services
from plan.models import PlanStatus, ProgressStatus
from review.models import Recommendation
from review.services import assignments, conflicts, reviews
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import (
    PASSWORD,
    make_criterion,
    make_open_round,
    make_proposal,
    make_suggestion,
    make_unit,
    make_user,
)

# (method, address) of every office-only page, with {user}, {unit}, {round}, {category} and {criterion}
OFFICE_ONLY = [
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{user}/edit"),
    ("POST", "/admin/users/{user}/edit"),
    ("POST", "/admin/users/{user}/active"),
    ("POST", "/admin/users/{user}/password"),
    ("GET", "/admin/units"),
    ("GET", "/admin/units/new"),
    ("POST", "/admin/units/new"),
    ("GET", "/admin/units/{unit}/edit"),
    ("POST", "/admin/units/{unit}/edit"),
    ("POST", "/admin/units/{unit}/active"),
    ("GET", "/audit"),
    ("GET", "/rounds/new"),
    ("POST", "/rounds/new"),
    ("GET", "/rounds/{round}/edit"),
    ("POST", "/rounds/{round}/edit"),
    ("POST", "/rounds/{round}/transition"),
    ("POST", "/rounds/{round}/categories"),
    ("POST", "/rounds/{round}/categories/preset"),
    ("GET", "/rounds/{round}/categories/{category}/edit"),
    ("POST", "/rounds/{round}/categories/{category}/edit"),
    ("POST", "/rounds/{round}/categories/{category}/delete"),
    ("POST", "/rounds/{round}/criteria"),
    ("POST", "/rounds/{round}/criteria/standard"),
    ("GET", "/rounds/{round}/criteria/{criterion}/edit"),
    ("POST", "/rounds/{round}/criteria/{criterion}/edit"),
    ("POST", "/rounds/{round}/criteria/{criterion}/delete"),
    ("POST", "/rounds/{round}/late-submissions"),
    ("POST", "/proposals/{proposal}/return"),
    ("GET", "/rounds/{round}/suggestions"),
    ("GET", "/rounds/{round}/suggestions/new"),
    ("POST", "/rounds/{round}/suggestions/new"),
    ("POST", "/rounds/{round}/suggestions/publish-replies"),
    ("POST", "/rounds/{round}/suggestions/export-contacts"),
    ("GET", "/rounds/{round}/suggestions/import"),
    ("POST", "/rounds/{round}/suggestions/import"),
    ("GET", "/suggestions/import-template.xlsx"),
    ("POST", "/suggestions/{suggestion}/accept"),
    ("POST", "/suggestions/{suggestion}/reject"),
    ("POST", "/suggestions/{suggestion}/duplicate"),
    ("POST", "/suggestions/{suggestion}/refer"),
    ("POST", "/suggestions/{suggestion}/link"),
    ("POST", "/suggestions/{suggestion}/decide"),
    ("POST", "/suggestions/{suggestion}/public"),
    ("POST", "/suggestions/{suggestion}/reveal"),
    ("GET", "/rounds/{round}/assignments"),
    ("POST", "/rounds/{round}/assignments"),
    ("POST", "/assignments/{assignment}/delete"),
    ("POST", "/rounds/{round}/assignments/publish"),
    ("GET", "/rounds/{round}/assignments/auto"),
    ("POST", "/rounds/{round}/assignments/auto"),
    ("POST", "/rounds/{round}/conflicts/detect"),
    ("POST", "/rounds/{round}/conflicts"),
    ("POST", "/conflicts/{conflict}/decide"),
    ("GET", "/experts/{expert}/profile"),
    ("POST", "/experts/{expert}/profile"),
    ("POST", "/reviews/{review}/reopen"),
    ("GET", "/rounds/{round}/ranking"),
    ("GET", "/proposals/{proposal}/reviews"),
    ("POST", "/proposals/{proposal}/flag"),
    ("POST", "/proposals/{proposal}/decision"),
    ("POST", "/rounds/{round}/decisions/publish"),
    ("POST", "/rounds/{round}/review-settings"),
    ("GET", "/rounds/{round}/review-progress"),
    ("POST", "/rounds/{round}/plan"),
    ("GET", "/plans/{plan}/projects/new"),
    ("POST", "/plans/{plan}/projects/new"),
    ("GET", "/key-projects/{key_project}/edit"),
    ("POST", "/key-projects/{key_project}/edit"),
    ("POST", "/key-projects/{key_project}/move"),
    ("POST", "/key-projects/{key_project}/delete"),
    ("POST", "/plans/{plan}/transition"),
    ("POST", "/plans/{plan}/progress/remind"),
    ("POST", "/plans/{plan}/report-day"),
    ("GET", "/search/terms"),
    ("POST", "/search/terms"),
    ("POST", "/progress-reports/{progress_report}/review"),
    ("POST", "/key-projects/{key_project}/assessment"),
    ("GET", "/plans/{plan}/progress/import"),
    ("POST", "/plans/{plan}/progress/import"),
    ("GET", "/plans/{plan}/progress/import-template.xlsx"),
    ("GET", "/rounds/{round}/suggestion-screening"),
    ("POST", "/rounds/{round}/suggestion-screening/send"),
    ("GET", "/rounds/{round}/assignments/import"),
    ("POST", "/rounds/{round}/assignments/import"),
    ("GET", "/rounds/{round}/assignments/import-template.xlsx"),
    ("POST", "/rounds/{round}/review-stage"),
    ("POST", "/rounds/{round}/review-stage-dates"),
    ("POST", "/rounds/{round}/reminders"),
]
STAFF_PAGES = ["/rounds", "/rounds/{round}", "/rounds/{round}/criteria", "/account/password"]


@pytest.fixture
def records():
    round = make_open_round(categories=("经济发展",))
    office = make_user(role="office")
    proposal = make_proposal(round=round, submit=True)
    suggestion = make_suggestion(round=round)
    criterion = make_criterion(round=round)
    expert, other_expert = make_user(role="expert"), make_user(role="expert")
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    conflict = conflicts.record_conflict(actor=office, expert=other_expert, proposal=proposal, reason="亲属")
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    assignments.publish_assignments(actor=office, round=round)
    reviews.save_review(
        actor=expert,
        assignment=assignment,
        scores={criterion.id: (5, "")},
        comment="",
        recommendation=Recommendation.recommend,
        familiarity=None,
    )
    planning = make_open_round()
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        transition_round(actor=office, round=planning, target=status)
    plan = plan_services.create_plan(actor=office, round=planning)
    lead_unit = make_unit()
    key_project = plan_services.add_key_project(
        actor=office,
        plan=plan,
        fields={"title": "推进网格管理标准化", "lead_leader": "高自民", "lead_unit_id": lead_unit.id},
    )
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        plan_services.transition_plan(
            actor=office, plan=plan, target=target, meeting="会议", approved_on=date(2017, 3, 1)
        )
    progress_report = progress.save_report(
        actor=make_user(role="unit_staff", unit=lead_unit),
        project=key_project,
        quarter=1,
        percent=10,
        status=ProgressStatus.on_track,
        achievements="完成方案",
        submit=True,
    )
    return {
        "plan": plan.id,
        "key_project": key_project.id,
        "progress_report": progress_report.id,
        "proposal": proposal.id,
        "assignment": assignment.id,
        "conflict": conflict.id,
        "expert": expert.id,
        "review": reviews.submit_review(actor=expert, assignment=assignment).id,
        "suggestion": suggestion.id,
        "user": make_user(role="expert").id,
        "unit": make_unit().id,
        "round": round.id,
        "category": round.categories[0].id,
        "criterion": criterion.id,
    }


def audit_count():
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_every_office_only_route_is_listed(app):
    """A new route guarded by office_required must be added to the list above."""
    listed = {(method, re.sub(r"\{\w+\}|(?<=\.)xlsx", "*", address)) for method, address in OFFICE_ONLY}
    guarded = {
        (method, re.sub(r"<[^>]+>", "*", rule.rule))
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "required_roles", None) == ("office",)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert guarded, "office_required no longer marks its views"
    assert guarded <= listed, sorted(guarded - listed)


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
@pytest.mark.parametrize(("method", "address"), OFFICE_ONLY)
def test_office_only_routes_refuse_other_roles_and_change_nothing(client, login_as, records, role, method, address):
    login_as(role)
    events = audit_count()
    response = client.open(address.format(**records), method=method, data={"csrf_token": client.csrf_token()})
    assert response.status_code == 403
    assert audit_count() == events


@pytest.mark.parametrize(("method", "address"), OFFICE_ONLY)
def test_office_only_routes_send_anonymous_users_to_login(client, records, method, address):
    events = audit_count()
    response = client.open(address.format(**records), method=method, data={"csrf_token": client.csrf_token()})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert audit_count() == events


@pytest.mark.parametrize("role", ["office", "unit_staff", "expert", "leader"])
@pytest.mark.parametrize("address", STAFF_PAGES)
def test_every_role_reads_the_staff_pages(client, login_as, records, role, address):
    login_as(role)
    assert client.get(address.format(**records)).status_code == 200


@pytest.mark.parametrize("address", STAFF_PAGES)
def test_staff_pages_send_anonymous_users_to_login(client, records, address):
    assert client.get(address.format(**records)).status_code == 302


@pytest.fixture
def strict_login_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    yield
    limiter.reset()


def test_login_is_throttled_with_a_clear_message(client, strict_login_limit):
    user = make_user()
    statuses = [
        client.post("/login", data={"username": user.username, "password": "wrong-pass1"}).status_code for _ in range(3)
    ]
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert statuses == [200, 200, 200]
    assert response.status_code == 429 and "尝试次数过多" in response.get_data(as_text=True)
