"""The world the route-wide tests share: one of every record a route names, and a caller for every role."""

from datetime import timedelta

from sqlalchemy import select

from accounts.models import ApiToken, User
from accounts.services import create_api_token, update_site_settings
from core import clock
from core.models import utcnow
from core.storage import attachment_storage
from extensions import db
from jobs.services import run_pending
from plan import queries
from plan.models import DocumentPdf, ProgressStatus
from plan.services import progress, tasks
from review.models import Recommendation, SuggestionReview
from review.services import assignments, conflicts, field_visits, reviews, suggestion_reviews
from search_index.models import SearchQueue
from solicitation.models import RoundStatus
from solicitation.services import exports, suggestions, topics
from solicitation.services import proposals as proposal_services
from solicitation.services.rounds import transition_round
from tests.factories import (
    make_criterion,
    make_open_round,
    make_proposal,
    make_published_plan,
    make_suggestion,
    make_theme,
    make_unit,
    make_user,
)

PDF = "%PDF-1.4\n调研纪要\n%%EOF\n".encode()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


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
    topic = topics.create_topic(actor=office, round=round, title="破解老旧小区物业管理难题", category_id=None)
    proposal = make_proposal(round=round, author=staff_a)
    attachment = proposal_services.add_attachment(actor=staff_a, proposal=proposal, filename="方案.pdf", data=PDF)
    proposal_services.submit_proposal(actor=staff_a, proposal=proposal)
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    conflict = conflicts.record_conflict(actor=office, expert=conflicted, proposal=proposal, reason="亲属")
    # Publishing and a submitted review need the round in review; it then reopens for solicitation.
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
    theme = make_theme(round=round, suggestions=[screened])
    screening = db.session.scalar(select(SuggestionReview).where(SuggestionReview.expert_id == expert.id))

    export = exports.export_suggestions(actor=office, round=round, locale="zh_CN")  # a finished job with its file
    run_pending()
    # Published after the jobs ran: the job making the PDF of its document waits, queued (a conversion takes
    # seconds); the PDF stored as the job would store it.
    plan = make_published_plan(office=office, lead_unit=unit_a)
    stored_pdf = DocumentPdf(
        plan_version_id=queries.published_version(plan.id).id,
        filename="改革计划.pdf",
        storage_key=attachment_storage().save(PDF),
        content_type="application/pdf",
        size=len(PDF),
    )
    db.session.add(stored_pdf)
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
    site = update_site_settings(
        actor=office, district_name="龙岗区", organiser="", contact="", emblem=("区徽.png", PNG)
    )
    create_api_token(actor=office, user=office, name="12345热线", rate_limit="600/hour")
    api_token = db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc()))
    # A change the search index could not apply, as the office sees it on the page of background work.
    failed_change = SearchQueue(kind="proposal", record_id=proposal.id, failed_at=utcnow(), error="ValueError: 示例")
    db.session.add(failed_change)
    db.session.commit()
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
            "topic_id": topic.id,
            "theme_id": theme.id,
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
            "part_id": plan.parts[0].id,
            "quarter": 1,
            "report_id": report.id,
            "task_id": task.id,
            "job_id": export.id,
            "token_id": api_token.id,
            "what": "users",
            "change_id": failed_change.id,
            "fmt": "xlsx",
            "code": "en",
            "key": site.emblem_key,
            "token": "not-a-signed-token",  # a set-your-password link that was never mailed
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


def routes(app) -> list[tuple[str, object]]:
    """("METHOD endpoint", rule) for every route of the URL map but the static files."""
    pairs = [
        (f"{method} {rule.endpoint}", rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    ]
    return sorted(pairs, key=lambda pair: (pair[0], pair[1].rule))


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

    def headers_for(self, url: str) -> dict[str, str]:
        """The bearer token goes to the JSON API only, as a program would send it."""
        return self.headers if url.startswith("/api/") else {}

    def request(self, method: str, url: str):
        if method == "POST":
            return self.client.post(url, headers=self.headers_for(url))
        return self.client.get(url, headers=self.headers_for(url))
