"""Who sees a record: every role × every state of every record kind, on every surface that shows one.

Each record kind has one rule, a SQL condition in its own package (solicitation.queries.suggestion_visible_to,
plan.queries.plan_visible_to, plan.queries.project_visible_to, plan.queries.report_visible_to; proposals have
their own matrix in
tests/test_proposal_visibility_matrix.py), from which the predicate, the lists, the JSON API, the search audience
and the audit log are derived. The tables below are the specification: for each role and state, whether the
role sees the record as staff ("see"), screens it as an expert ("screen"), or not ("-"); and which states the
public sees (a separate rule: published suggestions, published plans, accepted progress). Every surface must
agree with them: the predicate, the rule's select, the record's page, the list that lists it, the JSON API, a real
search through the index, and the audit log. The tests share one world, built once; the last one prints how many
combinations were checked.
"""

from datetime import date, timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from accounts import queries as accounts_queries
from accounts.audit_text import record_type_name
from accounts.models import User
from accounts.services import create_api_token
from core import clock
from extensions import db
from plan import queries as plan_queries
from plan.models import KeyProject, Plan, PlanStatus, ProgressReport, ProgressStatus
from plan.permissions import can_follow_project, can_view_plan, can_view_report
from plan.services import key_projects, progress
from plan.services import plans as plan_services
from review import queries as review_queries
from review.models import Assignment, FieldVisit, Recommendation, SuggestionReview
from review.permissions import can_review, can_screen_proposal, can_view_field_visit
from review.services import assignments, conflicts, field_visits, reviews, suggestion_reviews
from search_index import queries as search_queries
from search_index import services as search_services
from search_index.documents import urls_of
from solicitation import queries as solicitation_queries
from solicitation.models import RejectReason, RoundStatus, Suggestion
from solicitation.permissions import can_view_suggestion
from solicitation.services import suggestions
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_open_round, make_proposal, make_suggestion, make_unit, make_user
from tests.world import PDF

ROLES = ["anon", "track", "unit_a", "unit_b", "exp_in", "exp_out", "exp_conf", "leader", "office"]
STAFF = [role for role in ROLES if role not in ("anon", "track")]

# Suggestions: pending (received), shown (received and published), accepted, referred (to unit A), rejected and
# merged (both published first, then set aside), screened (taken up and sent to the experts for screening).
SUGGESTIONS = """
           anon track unit_a unit_b exp_in exp_out exp_conf leader office
pending    -    -     -      -      -      -       -        -      see
shown      -    -     -      -      -      -       -        -      see
accepted   -    -     -      -      -      -       -        -      see
referred   -    -     see    -      -      -       -        -      see
rejected   -    -     -      -      -      -       -        -      see
merged     -    -     -      -      -      -       -        -      see
screened   -    -     -      -      screen screen  screen   -      see
"""
PUBLIC_SUGGESTIONS = {"shown"}

# Key projects, by the state of their plan (each in a round of its own, led by unit A): a draft, submitted for
# review, approved, published, and put back to a draft after it was published.
PROJECTS = """
           anon track unit_a unit_b exp_in exp_out exp_conf leader office
draft      -    -     -      -      -      -       -        see    see
submitted  -    -     -      -      -      -       -        see    see
approved   -    -     -      -      -      -       -        see    see
published  -    -     see    -      -      -       -        see    see
redraft    -    -     see    -      -      -       -        see    see
"""
PUBLIC_PROJECTS = {"published", "redraft"}

# The plans of those key projects: the office and the leaders read each as it stands, on its own pages; everyone
# reads one once published, as its latest published version reads (and the redraft as it was published).
PLANS = """
           anon track unit_a unit_b exp_in exp_out exp_conf leader office
draft      -    -     -      -      -      -       -        see    see
submitted  -    -     -      -      -      -       -        see    see
approved   -    -     -      -      -      -       -        see    see
published  -    -     -      -      -      -       -        see    see
redraft    -    -     -      -      -      -       -        see    see
"""
PUBLIC_PLANS = {"published", "redraft"}

# Progress reports of the published project, one a quarter: accepted (Q1), returned (Q2), submitted (Q3), a
# draft (Q4).
REPORTS = """
           anon track unit_a unit_b exp_in exp_out exp_conf leader office
accepted   -    -     see    -      -      -       -        see    see
returned   -    -     see    -      -      -       -        see    see
submitted  -    -     see    -      -      -       -        see    see
draft      -    -     see    -      -      -       -        -      -
"""
PUBLIC_REPORTS = {"accepted"}

# An expert's review of a proposal of unit A, under review: a draft and a submitted one (exp_in's), one whose
# expert was found in conflict after writing it (exp_conf's), and a field visit to the draft's proposal.
REVIEWS = """
           anon track unit_a unit_b exp_in exp_out exp_conf leader office
draft      -    -     -      -      see    -       -        -      see
submitted  -    -     -      -      see    -       -        -      see
conflicted -    -     -      -      -      -       -        -      see
visit      -    -     -      -      see    -       -        -      see
"""
QUARTERS = {"accepted": 1, "returned": 2, "submitted": 3, "draft": 4}

pytestmark = pytest.mark.shared_world


def table(text: str) -> dict[str, dict[str, str]]:
    header, *lines = [line.split() for line in text.strip().splitlines()]
    assert header == ROLES
    return {state: dict(zip(ROLES, answers, strict=True)) for state, *answers in lines}


EXPECTED = {
    "suggestion": table(SUGGESTIONS),
    "key_project": table(PROJECTS),
    "plan": table(PLANS),
    "progress_report": table(REPORTS),
    "review": table(REVIEWS),
}
PUBLIC = {"suggestion": PUBLIC_SUGGESTIONS, "key_project": PUBLIC_PROJECTS, "progress_report": PUBLIC_REPORTS}
PUBLIC["plan"] = PUBLIC_PLANS
PUBLIC["review"] = set()
# A word found in each record's title (suggestions, projects) or text (reports, reviews), and only there.
WORD = {"suggestion": "sug", "key_project": "kp", "progress_report": "rep", "review": "rev"}
CHECKED = {"count": 0}


def word(kind: str, state: str) -> str:
    return f"{WORD[kind]}{state}"


def make_plan(*, office, lead_unit, state: str) -> KeyProject:
    """A plan of a round of its own, with one key project led by `lead_unit`, brought to `state`."""
    round = make_open_round(actor=office)
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        transition_round(actor=office, round=round, target=status)
    plan = plan_services.create_plan(actor=office, round=round)
    fields = {"title": f"{word('key_project', state)}推进改革", "lead_leader": "高自民", "lead_unit_id": lead_unit.id}
    project = key_projects.add_key_project(actor=office, plan=plan, fields=fields)
    path = {
        "draft": [],
        "submitted": [PlanStatus.submitted_for_review],
        "approved": [PlanStatus.submitted_for_review, PlanStatus.approved],
        "published": [PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published],
        "redraft": [PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published, PlanStatus.draft],
    }[state]
    for target in path:
        plan_services.transition_plan(
            actor=office, plan=plan, target=target, meeting="第十三次会议", approved_on=date(2017, 3, 1)
        )
    return project


def review_world(*, office, staff, expert, conflicted) -> dict[str, int]:
    """A round under review with three proposals of `staff`'s unit and the reviews and visit of REVIEWS (ids:
    the assignment's for a review, the visit's for the visit)."""
    round = make_open_round(actor=office)
    criterion = make_criterion(round=round, actor=office)
    proposals = {state: make_proposal(round=round, author=staff, submit=True) for state in ("draft", "submitted")}
    made = {state: assignments.assign_expert(actor=office, expert=expert, proposal=p) for state, p in proposals.items()}
    made["conflicted"] = assignments.assign_expert(actor=office, expert=conflicted, proposal=proposals["draft"])
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    assignments.publish_assignments(actor=office, round=round)
    for state, assignment in made.items():
        reviews.save_review(
            actor=assignment.expert,
            assignment=assignment,
            scores={criterion.id: (5, "")},
            comment=f"{word('review', state)}意见",
            recommendation=Recommendation.recommend,
            familiarity=None,
        )
    reviews.submit_review(actor=expert, assignment=made["submitted"])
    reviews.submit_review(actor=conflicted, assignment=made["conflicted"])
    conflicts.record_conflict(actor=office, expert=conflicted, proposal=proposals["draft"], reason="亲属")
    visit = field_visits.record_field_visit(
        actor=office,
        proposal=proposals["draft"],
        visited_on=clock.today() - timedelta(days=1),
        place="龙城街道",
        people_met="",
        findings=f"{word('review', 'visit')}群众反映强烈",
        files=[("调研纪要.pdf", PDF)],
    )
    return {state: assignment.id for state, assignment in made.items()} | {"visit": visit.id}


def build_world() -> dict:
    """Every record kind in every state, with unit A to refer and lead, indexed for search; the ids of everything."""
    office, leader = make_user(role="office"), make_user(role="leader")
    unit_a, unit_b = make_unit(name="甲单位"), make_unit(name="乙单位")
    staff_a, staff_b = make_user(role="unit_staff", unit=unit_a), make_user(role="unit_staff", unit=unit_b)
    exp_in, exp_out, exp_conf = (make_user(role="expert") for _ in range(3))
    round = make_open_round(actor=office)

    made = {
        state: make_suggestion(round=round, title=f"{word('suggestion', state)}建议") for state in table(SUGGESTIONS)
    }
    for state in ("shown", "rejected", "merged"):
        suggestions.set_public(actor=office, suggestion=made[state], public=True)
    for state in ("accepted", "referred", "merged", "screened"):
        suggestions.accept_suggestion(actor=office, suggestion=made[state])
    suggestions.refer_suggestion(actor=office, suggestion=made["referred"], unit=unit_a)
    suggestions.reject_suggestion(actor=office, suggestion=made["rejected"], reason=RejectReason.spam)
    suggestions.mark_duplicate(actor=office, suggestion=made["merged"], original=made["accepted"])
    suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=[made["screened"].id])
    # An expert in conflict over a proposal of the round: nothing about suggestions changes for them.
    proposal = make_proposal(round=round, author=staff_a, submit=True)
    conflicts.record_conflict(actor=office, expert=exp_conf, proposal=proposal, reason="亲属")

    projects = {state: make_plan(office=office, lead_unit=unit_a, state=state) for state in table(PROJECTS)}
    published = projects["published"]
    reports = {}
    for state, quarter in QUARTERS.items():
        reports[state] = progress.save_report(
            actor=staff_a,
            project=published,
            quarter=quarter,
            percent=10 * quarter + quarter,
            status=ProgressStatus.on_track,
            achievements=f"{word('progress_report', state)}完成方案",
            submit=state != "draft",
        )
    progress.review_report(actor=office, report=reports["accepted"], accept=True)
    progress.review_report(actor=office, report=reports["returned"], accept=False, comment="请补充")

    reviewed = review_world(office=office, staff=staff_a, expert=exp_in, conflicted=exp_conf)
    users = {
        "unit_a": staff_a,
        "unit_b": staff_b,
        "exp_in": exp_in,
        "exp_out": exp_out,
        "exp_conf": exp_conf,
        "leader": leader,
        "office": office,
    }
    search_services.backend().clear()
    while search_services.process_queue():
        pass
    return {
        "round_id": round.id,
        "tracking_code": made["referred"].tracking_code,
        "users": {role: user.id for role, user in users.items()},
        "tokens": {role: create_api_token(actor=None, user=user, name="agreement") for role, user in users.items()},
        "suggestion": {state: s.id for state, s in made.items()},
        "key_project": {state: p.id for state, p in projects.items()},
        "progress_report": {state: r.id for state, r in reports.items()},
        "review": reviewed,
    }


class Reader:
    """One role: the user (None for the public), a browser, and the bearer token on the JSON API."""

    def __init__(self, app, world, role):
        self.role = role
        self.client = app.test_client()
        self.user = db.session.get(User, world["users"][role]) if role in world["users"] else None
        self.headers = {"Authorization": f"Bearer {world['tokens'][role]}"} if self.user else {}
        if self.user:
            self.client.login(self.user)
        elif role == "track":
            assert self.client.get("/track", query_string={"code": world["tracking_code"]}).status_code == 200

    def page(self, url: str, **query) -> str:
        response = self.client.get(url, query_string=query)
        return response.get_data(as_text=True) if response.status_code == 200 else ""

    def opens(self, url: str) -> bool:
        return self.client.get(url).status_code == 200

    def api(self, url: str, **query) -> dict:
        response = self.client.get(url, query_string=query, headers=self.headers)
        return response.get_json() if response.status_code == 200 else {}

    def finds(self, text: str) -> bool:
        """A real search through the index, as this reader; and the JSON API's search."""
        reader = self.user or AnonymousUserMixin()
        titles = " ".join(
            f"{item.hit.title} {item.hit.body}" for item in search_queries.search(user=reader, text=text)[1]
        )
        return text in titles

    def api_finds(self, text: str) -> bool:
        return text in str(self.api("/api/v1/search", q=text))

    def audit_shows(self, object_type: str, object_id: int) -> bool:
        """The audit log's rule for this reader; and, for the office, the audit log page."""
        if self.user is None:
            return False
        query = accounts_queries.audit_events(self.user, object_type=object_type, object_id=object_id)
        return bool(db.session.scalars(query).first())

    def audit_page_shows(self, object_type: str, object_id: int) -> bool:
        page = self.page("/audit", object_type=object_type, object_id=object_id)
        return f"{record_type_name(object_type)} #{object_id}</a>" in page  # an event's link to its record


def _api_link_opens(reader: Reader, text: str, kind: str, record_id: int) -> bool:
    """Whether the JSON API's search finds the record for this reader, and every link it gives to it opens."""
    items = reader.api("/api/v1/search", q=text).get("items", [])
    links = [item["url"] for item in items if item["kind"] == kind and item["id"] == record_id]
    return bool(links) and all(reader.opens(url.split("#")[0]) for url in links)


def disagreements(kind: str, role: str, answers: dict[str, dict[str, bool]]) -> list[str]:
    """The surfaces whose answer is not the table's, counting every combination checked."""
    wrong = []
    for state, surfaces in answers.items():
        expected = EXPECTED[kind][state][role]
        public = state in PUBLIC[kind]
        for surface, got in surfaces.items():
            if surface.startswith("public "):
                want = public
            elif surface.startswith(("found ", "either ")):
                want = expected == "see" or public
            elif surface.startswith("office "):
                want = expected == "see" and role == "office"
            elif surface.startswith("screen "):
                want = expected == "screen"
            else:
                want = expected == "see"
            CHECKED["count"] += 1
            if got != want:
                wrong.append(f"{kind} {state}: {surface} says {got}, the table {want}")
    return wrong


def test_the_tables_cover_every_state_of_the_records(world):
    states = {db.session.get(Suggestion, i).status.value for i in world["suggestion"].values()}
    assert states == {"received", "accepted", "referred", "rejected", "duplicate"}
    reports = {db.session.get(ProgressReport, i).state.value for i in world["progress_report"].values()}
    assert reports == {"draft", "submitted", "returned", "accepted"}
    plans = {db.session.get(KeyProject, i).plan.status.value for i in world["key_project"].values()}
    assert set(table(PLANS)) == set(table(PROJECTS))  # the plans are those of the key projects
    assert plans == {"draft", "submitted_for_review", "approved", "published"}


@pytest.mark.parametrize("role", ROLES)
def test_every_surface_of_a_suggestion_agrees_with_the_table(app, world, role):
    reader = Reader(app, world, role)
    user = reader.user or AnonymousUserMixin()
    found = set(db.session.scalars(solicitation_queries.visible_suggestions(user).with_only_columns(Suggestion.id)))
    round_id = world["round_id"]
    office_list = reader.page(f"/rounds/{round_id}/suggestions")
    referrals = reader.page("/referrals")
    api_list = str(reader.api(f"/api/v1/rounds/{round_id}/suggestions", per_page=200))
    heard = reader.page("/heard", round=round_id)
    queue = reader.page("/reviews")
    answers = {}
    for state, suggestion_id in world["suggestion"].items():
        text = word("suggestion", state)
        suggestion = db.session.get(Suggestion, suggestion_id)
        screenings = db.session.scalars(select(SuggestionReview).where(SuggestionReview.suggestion_id == suggestion_id))
        mine = [s.id for s in screenings if reader.user and s.expert_id == reader.user.id]
        answers[state] = {
            "the predicate": bool(reader.user) and can_view_suggestion(user, suggestion),
            "the rule's select": suggestion_id in found,
            "the page": reader.opens(f"/suggestions/{suggestion_id}"),
            "the list (the office's or the unit's referrals)": text in office_list or text in referrals,
            "office the JSON API's list (an office token's only)": text in api_list,
            "found by the search": reader.finds(text),
            "found by the JSON API's search": reader.api_finds(text),
            "found by the JSON API's search, its link opening": _api_link_opens(
                reader, text, "suggestion", suggestion_id
            ),
            "the audit log's rule": reader.audit_shows("Suggestion", suggestion_id),
            "the audit log's page": reader.audit_page_shows("Suggestion", suggestion_id)
            if role == "office"
            else reader.audit_shows("Suggestion", suggestion_id),
            "public /heard": text in heard,
            "screen the expert's queue": text in queue,
            "screen the screening page": any(reader.opens(f"/suggestion-reviews/{i}") for i in mine),
        }
    wrong = disagreements("suggestion", role, answers)
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_every_surface_of_a_key_project_agrees_with_the_table(app, world, role):
    reader = Reader(app, world, role)
    user = reader.user or AnonymousUserMixin()
    found = set(db.session.scalars(select(KeyProject.id).where(plan_queries.project_visible_to(user))))
    own = reader.page("/progress")
    answers = {}
    for state, project_id in world["key_project"].items():
        text = word("key_project", state)
        project = db.session.get(KeyProject, project_id)
        plan_page = reader.page(f"/rounds/{project.plan.round_id}/plan")
        answers[state] = {
            "the predicate": bool(reader.user) and can_follow_project(user, project),
            "the rule's select": project_id in found,
            "the page (its work plan)": reader.opens(f"/key-projects/{project_id}/tasks"),
            "the list (the plan's page, or the unit's projects)": text in plan_page or text in own,
            "found by the search": reader.finds(text),
            "found by the JSON API's search": reader.api_finds(text),
            "the audit log's rule": reader.audit_shows("KeyProject", project_id),
            "the audit log's page": reader.audit_page_shows("KeyProject", project_id)
            if role == "office"
            else reader.audit_shows("KeyProject", project_id),
            "public the published plan": text in reader.page(f"/plans/{project.plan_id}"),
        }
    wrong = disagreements("key_project", role, answers)
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_every_surface_of_a_plan_agrees_with_the_table(app, world, role):
    """A plan's own pages (as it stands) ask the first half of its rule, its public pages and the list of plans the
    second; the rule's select and its one-row question give the two together. The JSON API has no plan of its
    own: a plan reaches a reader there, as on the search page, through its key projects, whose links must open."""
    reader = Reader(app, world, role)
    user = reader.user or AnonymousUserMixin()
    found = set(db.session.scalars(select(Plan.id).where(plan_queries.plan_visible_to(user))))
    plan_list = reader.page("/plans")
    answers = {}
    for state, project_id in world["key_project"].items():
        text = word("key_project", state)
        plan = db.session.get(KeyProject, project_id).plan
        hits = search_queries.search(user=user, text=text)[1]
        with app.test_request_context():  # the search page's links, as it makes them for this reader
            urls = urls_of([item.hit for item in hits], reader=user)
        page_links = [
            url
            for item, url in zip(hits, urls, strict=True)
            if item.hit.kind == "key_project" and item.hit.record_id == project_id
        ]
        answers[state] = {
            "the predicate (the plan's own pages)": bool(reader.user) and can_view_plan(user),
            "the plan's page as it stands (its round's)": text in reader.page(f"/rounds/{plan.round_id}/plan"),
            "its versions compared": reader.opens(f"/plans/{plan.id}/compare"),
            "its Word document as it stands": reader.opens(f"/plans/{plan.id}/plan.docx"),
            "its progress": reader.opens(f"/plans/{plan.id}/progress"),
            "either the rule's select": plan.id in found,
            "either the rule asked of one plan": plan_queries.plan_is_visible(user, plan.id),
            "either the search page's link to its key project opens": bool(page_links)
            and all(reader.opens(url.split("#")[0]) for url in page_links),
            "either the JSON API's search link to its key project opens": _api_link_opens(
                reader, text, "key_project", project_id
            ),
            "public the published plan's page": text in reader.page(f"/plans/{plan.id}"),
            "public the published Word document": reader.opens(f"/plans/{plan.id}/published.docx"),
            "public the list of plans": f'href="/plans/{plan.id}"' in plan_list,
        }
    wrong = disagreements("plan", role, answers)
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_every_surface_of_a_progress_report_agrees_with_the_table(app, world, role):
    reader = Reader(app, world, role)
    user = reader.user or AnonymousUserMixin()
    found = set(db.session.scalars(select(ProgressReport.id).where(plan_queries.report_visible_to(user))))
    own = reader.page("/progress")
    answers = {}
    for state, report_id in world["progress_report"].items():
        text = word("progress_report", state)
        report = db.session.get(ProgressReport, report_id)
        plan_id = report.key_project.plan_id
        quarter_list = reader.page(f"/plans/{plan_id}/progress", quarter=report.quarter)
        answers[state] = {
            "the predicate": bool(reader.user) and can_view_report(user, report),
            "the rule's select": report_id in found,
            "the page": reader.opens(f"/progress-reports/{report_id}"),
            "the list (the quarter's, or the unit's)": f"/progress-reports/{report_id}" in quarter_list
            or f"{report.percent}%" in own,
            "found by the search": reader.finds(text),
            "found by the JSON API's search": reader.api_finds(text),
            "the audit log's rule": reader.audit_shows("ProgressReport", report_id),
            "the audit log's page": reader.audit_page_shows("ProgressReport", report_id)
            if role == "office"
            else reader.audit_shows("ProgressReport", report_id),
            "found by the JSON API's search, its link opening": _api_link_opens(
                reader, text, "progress_report", report_id
            ),
            # the public plan's page gives a project's latest accepted report as its quarter and share done
            "public the published plan": f"{report.percent}%" in reader.page(f"/plans/{plan_id}"),
        }
    wrong = disagreements("progress_report", role, answers)
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_every_surface_of_a_review_and_a_field_visit_agrees_with_the_table(app, world, role):
    """Reviews are found by no search and shown to no public: the rule, the pages, the expert's queue and the audit
    log must agree."""
    reader = Reader(app, world, role)
    user = reader.user or AnonymousUserMixin()
    ids = world["review"]
    seen = set(db.session.scalars(select(Assignment.id).where(review_queries.assignment_visible_to(user))))
    visits = set(db.session.scalars(select(FieldVisit.id).where(review_queries.field_visit_visible_to(user))))
    queue = reader.page("/reviews")
    answers = {}
    for state in ("draft", "submitted", "conflicted"):
        assignment = db.session.get(Assignment, ids[state])
        text = word("review", state)
        office_page = reader.page(f"/proposals/{assignment.proposal_id}/reviews")
        expert_page = reader.page(f"/reviews/{assignment.id}")
        answers[state] = {
            "the predicate": bool(reader.user)
            and (can_review(user, assignment) or can_screen_proposal(user, assignment.proposal)),
            "the rule's select": assignment.id in seen,
            "the page (the expert's, or the office's of the proposal)": text in expert_page or text in office_page,
            "the list (the expert's queue)": f"/reviews/{assignment.id}" in queue or text in office_page,
            "the audit log's rule": reader.audit_shows("Review", assignment.review.id),
            "the audit log's page": reader.audit_page_shows("Review", assignment.review.id)
            if role == "office"
            else reader.audit_shows("Review", assignment.review.id),
        }
    visit = db.session.get(FieldVisit, ids["visit"])
    [file] = visit.attachments
    answers["visit"] = {
        "the predicate": bool(reader.user) and can_view_field_visit(user, visit),
        "the rule's select": visit.id in visits,
        "the page (its file)": reader.opens(f"/field-visits/{visit.id}/files/{file.id}"),
        "the audit log's rule": reader.audit_shows("FieldVisit", visit.id),
        "the audit log's page": reader.audit_page_shows("FieldVisit", visit.id)
        if role == "office"
        else reader.audit_shows("FieldVisit", visit.id),
    }
    wrong = disagreements("review", role, answers)
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_the_number_of_combinations_checked_is_printed(capsys):
    """Run after the others (pytest keeps a module's order): the number the issue asks for."""
    with capsys.disabled():
        print(f"\nvisibility agreement: {CHECKED['count']} combinations of role × state × surface checked")
    assert CHECKED["count"] > 0
