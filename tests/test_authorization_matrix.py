"""Every route of the application × every role, with the answer each role gets.

The routes come from the URL map, so a new route without a line in MATRIX_TABLE fails a test that names it.
The tests share one world, built once: but for its caller's login, each test checks that its requests left the
world as they found it.
"""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from accounts.models import User
from accounts.services import create_api_token
from core import clock
from extensions import db
from plan import progress, tasks
from plan.models import ProgressStatus
from review.models import Recommendation, SuggestionReview
from review.services import assignments, conflicts, field_visits, reviews, suggestion_reviews
from solicitation.models import RoundStatus
from solicitation.services import proposals as proposal_services
from solicitation.services import suggestions
from solicitation.services.rounds import transition_round
from tests.conftest import empty_database
from tests.factories import (
    make_criterion,
    make_open_round,
    make_proposal,
    make_published_plan,
    make_suggestion,
    make_unit,
    make_user,
)

PDF = "%PDF-1.4\n调研纪要\n%%EOF\n".encode()


def build_world() -> dict:
    """An open round with a submitted proposal of unit A under review, a resident's suggestion referred to
    unit A, and a published plan whose key project unit A leads; the ids of everything a route names (ids, not
    records, so that the world outlives the session that made it)."""
    office = make_user(role="office")
    unit_a, unit_b = make_unit(name="甲单位"), make_unit(name="乙单位")
    staff_a, staff_b = make_user(role="unit_staff", unit=unit_a), make_user(role="unit_staff", unit=unit_b)
    expert, other_expert, conflicted = (make_user(role="expert") for _ in range(3))
    leader = make_user(role="leader")

    round = make_open_round(actor=office, categories=("经济发展", "民生事业"))
    criterion = make_criterion(round=round, actor=office)
    proposal = make_proposal(round=round, author=staff_a)
    attachment = proposal_services.add_attachment(actor=staff_a, proposal=proposal, filename="方案.pdf", data=PDF)
    proposal_services.submit_proposal(actor=staff_a, proposal=proposal)
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    assignments.publish_assignments(actor=office, round=round)
    conflict = conflicts.record_conflict(actor=office, expert=conflicted, proposal=proposal, reason="亲属")
    # A submitted review needs the round in review; it then reopens for solicitation.
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    reviews.save_review(
        actor=expert,
        assignment=assignment,
        scores={criterion.id: (5, "")},
        comment="",
        recommendation=Recommendation.recommend,
        familiarity=None,
    )
    review = reviews.submit_review(actor=expert, assignment=assignment)
    transition_round(actor=office, round=round, target=RoundStatus.soliciting)
    visit = field_visits.record_field_visit(
        actor=office,
        proposal=proposal,
        visited_on=clock.today() - timedelta(days=1),
        place="龙城街道",
        people_met="",
        findings="群众反映强烈",
        files=[("调研纪要.pdf", PDF)],
    )

    suggestion = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(round=round))
    suggestions.refer_suggestion(actor=office, suggestion=suggestion, unit=unit_a)
    screened = suggestions.accept_suggestion(
        actor=office, suggestion=make_suggestion(round=round, title="增设公交线路")
    )
    suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=[screened.id])
    screening = db.session.scalar(select(SuggestionReview).where(SuggestionReview.expert_id == expert.id))

    plan = make_published_plan(office=office, lead_unit=unit_a)
    [project] = plan.projects
    task = tasks.save_task(
        actor=staff_a, project=project, title="制定方案", weight=10, owner_unit_id=None, due_quarter=1
    )
    report = progress.save_report(
        actor=staff_a,
        project=project,
        quarter=1,
        percent=10,
        status=ProgressStatus.on_track,
        achievements="完成方案",
        task_percents={task.id: 10},
        files=[("推进会纪要.pdf", PDF)],
        submit=True,
    )
    return {
        "users": {
            "unit_a": staff_a.id,
            "unit_b": staff_b.id,
            "exp_in": expert.id,
            "exp_out": other_expert.id,
            "leader": leader.id,
            "office": office.id,
        },
        "tracking_code": suggestion.tracking_code,
        "args": {
            "round_id": round.id,
            "category_id": round.categories[0].id,
            "criterion_id": criterion.id,
            "proposal_id": proposal.id,
            "attachment_id": attachment.id,
            "assignment_id": assignment.id,
            "review_id": review.id,
            "conflict_id": conflict.id,
            "visit_id": visit.id,
            "suggestion_id": suggestion.id,
            "screening_id": screening.id,
            "user_id": expert.id,
            "unit_id": unit_b.id,
            "plan_id": plan.id,
            "project_id": project.id,
            "quarter": 1,
            "report_id": report.id,
            "task_id": task.id,
            "fmt": "xlsx",
            "code": "en",
        },
        # Arguments that differ by route: the plan lives in its own round; two kinds of file.
        "overrides": {
            "plan.plan_detail": {"round_id": plan.round_id},
            "plan.plan_create": {"round_id": plan.round_id},
            "review.field_visit_file": {"file_id": visit.attachments[0].id},
            "plan.progress_file": {"file_id": report.attachments[0].id},
            "api.suggestion_lookup": {"code": suggestion.tracking_code},
        },
    }


# Who asks: anon (not logged in), track (a resident who has just looked up their tracking code), unit_a (staff of
# unit A, whose proposal is submitted and under review, to which the suggestion was referred and which leads the key
# project), unit_b (staff of another unit), exp_in (the expert assigned to the proposal), exp_out (an expert not
# assigned), leader, office. The JSON API is called with each user's bearer token.
ROLES = ["anon", "track", "unit_a", "unit_b", "exp_in", "exp_out", "leader", "office"]

# What each gets: ok (2xx, or a redirect elsewhere than the login page), login (sent to log in), or the refusal's
# status code. A submitted proposal is read-only to its unit too: editing, submitting and files answer 403 to all.
# Allowed POSTs are left to the features' own tests; every refused one is sent and must change nothing.
MATRIX_TABLE = """
                                             anon    track   unit_a  unit_b  exp_in  exp_out leader  office
GET  accounts.audit_log                      login   login   403     403     403     403     403     ok
GET  accounts.change_password                login   login   ok      ok      ok      ok      ok      ok
GET  accounts.login                          ok      ok      ok      ok      ok      ok      ok      ok
GET  accounts.unit_form                      login   login   403     403     403     403     403     ok
GET  accounts.unit_list                      login   login   403     403     403     403     403     ok
GET  accounts.undelivered_mail_list          login   login   403     403     403     403     403     ok
GET  accounts.user_create                    login   login   403     403     403     403     403     ok
GET  accounts.user_edit                      login   login   403     403     403     403     403     ok
GET  accounts.user_list                      login   login   403     403     403     403     403     ok
GET  api.openapi                             ok      ok      ok      ok      ok      ok      ok      ok
GET  api.search                              ok      ok      ok      ok      ok      ok      ok      ok
GET  api.suggestion_list                     401     401     403     403     403     403     403     ok
GET  api.suggestion_lookup                   ok      ok      ok      ok      ok      ok      ok      ok
GET  core.index                              ok      ok      ok      ok      ok      ok      ok      ok
GET  core.set_language                       ok      ok      ok      ok      ok      ok      ok      ok
GET  dashboard.dashboard_index               login   login   403     403     403     403     ok      ok
GET  dashboard.round_dashboard               login   login   403     403     403     403     ok      ok
GET  health.health                           ok      ok      ok      ok      ok      ok      ok      ok
GET  plan.battle_map                         login   login   403     403     403     403     ok      ok
GET  plan.bulletin                           login   login   403     403     403     403     ok      ok
GET  plan.bulletin_document                  login   login   403     403     403     403     ok      ok
GET  plan.key_project_edit                   login   login   403     403     403     403     403     ok
GET  plan.key_project_new                    login   login   403     403     403     403     403     ok
GET  plan.key_project_tasks                  login   login   ok      403     403     403     ok      ok
GET  plan.my_progress                        login   login   ok      ok      403     403     403     403
GET  plan.plan_assessment                    login   login   403     403     403     403     ok      ok
GET  plan.plan_compare                       login   login   403     403     403     403     ok      ok
GET  plan.plan_detail                        login   login   403     403     403     403     ok      ok
GET  plan.plan_document                      login   login   403     403     403     403     ok      ok
GET  plan.plan_index                         ok      ok      ok      ok      ok      ok      ok      ok
GET  plan.plan_print                         login   login   403     403     403     403     ok      ok
GET  plan.plan_progress                      login   login   403     403     403     403     ok      ok
GET  plan.plan_public                        ok      ok      ok      ok      ok      ok      ok      ok
GET  plan.plan_public_document               ok      ok      ok      ok      ok      ok      ok      ok
GET  plan.plan_summary                       login   login   403     403     403     403     ok      ok
GET  plan.progress_file                      login   login   ok      403     403     403     ok      ok
GET  plan.progress_form                      login   login   ok      403     403     403     403     403
GET  plan.progress_import                    login   login   403     403     403     403     403     ok
GET  plan.progress_import_template           login   login   403     403     403     403     403     ok
GET  plan.progress_report                    login   login   ok      403     403     403     ok      ok
GET  plan.task_edit                          login   login   ok      403     403     403     403     ok
GET  review.assignment_auto_preview          login   login   403     403     403     403     403     ok
GET  review.assignment_board                 login   login   403     403     403     403     403     ok
GET  review.assignment_import                login   login   403     403     403     403     403     ok
GET  review.assignment_import_template       login   login   403     403     403     403     403     ok
GET  review.criteria_list                    login   login   ok      ok      ok      ok      ok      ok
GET  review.criterion_edit                   login   login   403     403     403     403     403     ok
GET  review.expert_profile                   login   login   403     403     403     403     403     ok
GET  review.field_visit_file                 login   login   403     403     ok      403     403     ok
GET  review.my_reviews                       login   login   403     403     ok      ok      403     403
GET  review.proposal_reviews                 login   login   403     403     403     403     403     ok
GET  review.ranking                          login   login   403     403     403     403     403     ok
GET  review.review_form                      login   login   403     403     ok      403     403     403
GET  review.review_progress                  login   login   403     403     403     403     403     ok
GET  review.suggestion_review_form           login   login   403     403     ok      403     403     403
GET  review.suggestion_screening             login   login   403     403     403     403     403     ok
GET  search_index.search                     ok      ok      ok      ok      ok      ok      ok      ok
GET  search_index.similar                    ok      ok      ok      ok      ok      ok      ok      ok
GET  search_index.terms                      login   login   403     403     403     403     403     ok
GET  solicitation.attachment_download        login   login   ok      403     403     403     403     ok
GET  solicitation.category_edit              login   login   403     403     403     403     403     ok
GET  solicitation.heard                      ok      ok      ok      ok      ok      ok      ok      ok
GET  solicitation.proposal_create            login   login   ok      ok      403     403     403     403
GET  solicitation.proposal_detail            login   login   ok      403     403     403     403     ok
GET  solicitation.proposal_edit              login   login   403     403     403     403     403     403
GET  solicitation.proposal_list              login   login   ok      ok      403     403     403     ok
GET  solicitation.referral_list              login   login   ok      ok      403     403     403     403
GET  solicitation.round_create               login   login   403     403     403     403     403     ok
GET  solicitation.round_detail               login   login   ok      ok      ok      ok      ok      ok
GET  solicitation.round_edit                 login   login   403     403     403     403     403     ok
GET  solicitation.round_list                 login   login   ok      ok      ok      ok      ok      ok
GET  solicitation.suggest                    ok      ok      ok      ok      ok      ok      ok      ok
GET  solicitation.suggestion_create          login   login   403     403     403     403     403     ok
GET  solicitation.suggestion_detail          login   login   ok      403     403     403     403     ok
GET  solicitation.suggestion_import          login   login   403     403     403     403     403     ok
GET  solicitation.suggestion_import_template login   login   403     403     403     403     403     ok
GET  solicitation.suggestion_list            login   login   403     403     403     403     403     ok
GET  solicitation.track                      ok      ok      ok      ok      ok      ok      ok      ok
POST accounts.change_password                login   login   ok      ok      ok      ok      ok      ok
POST accounts.login                          ok      ok      ok      ok      ok      ok      ok      ok
POST accounts.logout                         ok      ok      ok      ok      ok      ok      ok      ok
POST accounts.unit_form                      login   login   403     403     403     403     403     ok
POST accounts.unit_set_active                login   login   403     403     403     403     403     ok
POST accounts.user_create                    login   login   403     403     403     403     403     ok
POST accounts.user_edit                      login   login   403     403     403     403     403     ok
POST accounts.user_reset_password            login   login   403     403     403     403     403     ok
POST accounts.user_set_active                login   login   403     403     403     403     403     ok
POST api.suggestion_import                   401     401     403     403     403     403     403     ok
POST api.suggestion_submit                   ok      ok      ok      ok      ok      ok      ok      ok
POST plan.bulletin                           login   login   403     403     403     403     403     ok
POST plan.key_project_assess                 login   login   403     403     403     403     403     ok
POST plan.key_project_delete                 login   login   403     403     403     403     403     ok
POST plan.key_project_edit                   login   login   403     403     403     403     403     ok
POST plan.key_project_move                   login   login   403     403     403     403     403     ok
POST plan.key_project_new                    login   login   403     403     403     403     403     ok
POST plan.key_project_tasks                  login   login   ok      403     403     403     403     ok
POST plan.plan_create                        login   login   403     403     403     403     403     ok
POST plan.plan_report_day                    login   login   403     403     403     403     403     ok
POST plan.plan_transition                    login   login   403     403     403     403     403     ok
POST plan.progress_form                      login   login   ok      403     403     403     403     403
POST plan.progress_import                    login   login   403     403     403     403     403     ok
POST plan.progress_remind                    login   login   403     403     403     403     403     ok
POST plan.progress_review                    login   login   403     403     403     403     403     ok
POST plan.task_delete                        login   login   ok      403     403     403     403     ok
POST plan.task_edit                          login   login   ok      403     403     403     403     ok
POST review.assignment_add                   login   login   403     403     403     403     403     ok
POST review.assignment_auto_apply            login   login   403     403     403     403     403     ok
POST review.assignment_delete                login   login   403     403     403     403     403     ok
POST review.assignment_import                login   login   403     403     403     403     403     ok
POST review.assignment_publish               login   login   403     403     403     403     403     ok
POST review.conflict_add                     login   login   403     403     403     403     403     ok
POST review.conflict_decide                  login   login   403     403     403     403     403     ok
POST review.conflict_detect                  login   login   403     403     403     403     403     ok
POST review.criteria_standard                login   login   403     403     403     403     403     ok
POST review.criterion_add                    login   login   403     403     403     403     403     ok
POST review.criterion_delete                 login   login   403     403     403     403     403     ok
POST review.criterion_edit                   login   login   403     403     403     403     403     ok
POST review.decisions_publish                login   login   403     403     403     403     403     ok
POST review.expert_profile                   login   login   403     403     403     403     403     ok
POST review.field_visit_add                  login   login   403     403     ok      403     403     ok
POST review.proposal_decide                  login   login   403     403     403     403     403     ok
POST review.proposal_flag                    login   login   403     403     403     403     403     ok
POST review.review_abstain                   login   login   403     403     ok      403     403     403
POST review.review_form                      login   login   403     403     ok      403     403     403
POST review.review_remind                    login   login   403     403     403     403     403     ok
POST review.review_reopen                    login   login   403     403     403     403     403     ok
POST review.review_settings                  login   login   403     403     403     403     403     ok
POST review.review_stage                     login   login   403     403     403     403     403     ok
POST review.review_stage_dates               login   login   403     403     403     403     403     ok
POST review.suggestion_review_form           login   login   403     403     ok      403     403     403
POST review.suggestion_screening_send        login   login   403     403     403     403     403     ok
POST search_index.terms                      login   login   403     403     403     403     403     ok
POST solicitation.attachment_add             login   login   403     403     403     403     403     403
POST solicitation.attachment_delete          login   login   403     403     403     403     403     403
POST solicitation.category_add               login   login   403     403     403     403     403     ok
POST solicitation.category_delete            login   login   403     403     403     403     403     ok
POST solicitation.category_edit              login   login   403     403     403     403     403     ok
POST solicitation.category_preset            login   login   403     403     403     403     403     ok
POST solicitation.late_submission_grant      login   login   403     403     403     403     403     ok
POST solicitation.proposal_create            login   login   ok      ok      403     403     403     403
POST solicitation.proposal_edit              login   login   403     403     403     403     403     403
POST solicitation.proposal_return            login   login   403     403     403     403     403     ok
POST solicitation.proposal_submit            login   login   403     403     403     403     403     403
POST solicitation.proposal_withdraw          login   login   ok      403     403     403     403     403
POST solicitation.round_create               login   login   403     403     403     403     403     ok
POST solicitation.round_edit                 login   login   403     403     403     403     403     ok
POST solicitation.round_transition           login   login   403     403     403     403     403     ok
POST solicitation.second                     ok      ok      ok      ok      ok      ok      ok      ok
POST solicitation.suggest                    ok      ok      ok      ok      ok      ok      ok      ok
POST solicitation.suggestion_accept          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_answer          login   login   ok      403     403     403     403     403
POST solicitation.suggestion_create          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_decide          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_draft_proposal  login   login   ok      403     403     403     403     ok
POST solicitation.suggestion_duplicate       login   login   403     403     403     403     403     ok
POST solicitation.suggestion_export_contacts login   login   403     403     403     403     403     ok
POST solicitation.suggestion_import          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_link            login   login   403     403     403     403     403     ok
POST solicitation.suggestion_public          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_publish_replies login   login   403     403     403     403     403     ok
POST solicitation.suggestion_refer           login   login   403     403     403     403     403     ok
POST solicitation.suggestion_reject          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_reveal          login   login   403     403     403     403     403     ok
"""
REFUSED = {"login", "401", "403", "404"}
# Query arguments a route needs to do its work rather than say what is missing.
QUERIES = {
    "api.search": {"q": "一网通办"},
    "search_index.search": {"q": "一网通办"},
    "search_index.similar": {"text": "一网通办"},
}


def parse(table: str) -> dict[str, dict[str, str]]:
    """{"METHOD endpoint": {role: answer}} from the table's lines."""
    header, *lines = [line.split() for line in table.strip().splitlines()]
    assert header == ROLES
    rows = {f"{method} {endpoint}": dict(zip(ROLES, answers, strict=True)) for method, endpoint, *answers in lines}
    assert len(rows) == len(lines), "a route has two lines"
    return rows


MATRIX = parse(MATRIX_TABLE)


def routes(app) -> list[tuple[str, object]]:
    """("METHOD endpoint", rule) for every route of the URL map but the static files."""
    pairs = [
        (f"{method} {rule.endpoint}", rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    ]
    return sorted(pairs, key=lambda pair: (pair[0], pair[1].rule))


def address(app, world, rule) -> str:
    values = {**world["args"], **world["overrides"].get(rule.endpoint, {})}
    with app.test_request_context():
        return url_for(
            rule.endpoint, **{name: values[name] for name in rule.arguments}, **QUERIES.get(rule.endpoint, {})
        )


def answer(response) -> str:
    """The answer as the table writes it."""
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return "login"
    return "ok" if response.status_code < 400 else str(response.status_code)


class Caller:
    """A browser as one of ROLES; a program with that user's bearer token on the JSON API."""

    def __init__(self, app, world, role):
        self.client = app.test_client()
        self.headers = {}
        if role == "track":
            assert self.client.get("/track", query_string={"code": world["tracking_code"]}).status_code == 200
        elif role != "anon":
            user = db.session.get(User, world["users"][role])
            self.client.login(user)
            self.headers = {"Authorization": f"Bearer {create_api_token(actor=None, user=user, name='matrix')}"}

    def request(self, method: str, url: str):
        headers = self.headers if url.startswith("/api/") else {}
        if method == "POST":
            return self.client.post(url, headers=headers)
        return self.client.get(url, headers=headers)


@pytest.fixture(scope="module")
def world(app):
    """The world of every test here, built once and emptied after the last."""
    with app.app_context():
        world = build_world()
    yield world
    with app.app_context():
        empty_database()


@pytest.fixture(autouse=True)
def _context(app):
    """Replaces the suite's: the world stays between the tests, which only log in (a login and a token more)."""
    with app.app_context():
        yield
        db.session.remove()


def test_every_route_has_a_line_in_the_matrix(app):
    """A new route must say here who may reach it."""
    keys = {key for key, _rule in routes(app)}
    missing = sorted(keys - MATRIX.keys())
    assert not missing, "routes missing from MATRIX: " + ", ".join(missing)
    assert not MATRIX.keys() - keys, "MATRIX names routes that no longer exist: " + ", ".join(MATRIX.keys() - keys)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_the_matrix_says(app, world, role):
    caller = Caller(app, world, role)
    wrong = []
    state = fingerprint()
    for key, rule in routes(app):
        if key.startswith("GET ") and key in MATRIX:
            got = answer(caller.request("GET", url := address(app, world, rule)))
            if got != MATRIX[key][role]:
                wrong.append(f"{key} {url}: expected {MATRIX[key][role]}, got {got}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
    after = fingerprint()
    assert after == state, "pages changed the world the other tests read: " + ", ".join(
        sorted(name for name in state if state[name] != after[name])
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_refused_change_is_refused_before_it_changes_anything(app, world, role):
    caller = Caller(app, world, role)
    wrong = []
    state = fingerprint()
    for key, rule in routes(app):
        if key.startswith("POST ") and key in MATRIX and MATRIX[key][role] in REFUSED:
            got = answer(caller.request("POST", url := address(app, world, rule)))
            if got != MATRIX[key][role]:
                wrong.append(f"{key} {url}: expected {MATRIX[key][role]}, got {got}")
            if (after := fingerprint()) != state:
                changed = sorted(name for name in state if state[name] != after[name])
                wrong.append(f"{key} {url}: changed {', '.join(changed)}")
                state = after
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# Noting that a token was used is not a change the caller made.
BOOKKEEPING = {"api_tokens.last_used_at"}


def fingerprint() -> dict[str, list[str]]:
    """Every row of every table, to compare before and after a refused request."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if f"{table.name}.{column.name}" not in BOOKKEEPING]
        state[table.name] = sorted(map(repr, db.session.execute(select(*columns)).all()))
    return state
