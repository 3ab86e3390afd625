"""Every action is offered only when it can succeed: walk a round through every phase (its proposals, review and
suggestion with it) and a progress report through every state, and on each page where an action's button appears
check that the page shows it exactly when its service accepts it.

ACTIONS and REPORT_ACTIONS are the tables: a new state-changing action gets a line here. For each state × action
a fresh world is built; the page is read by the role allowed to act; the action is offered when the page holds a
form with a button posting to its URL (or a link to it, for a move confirmed on its own page). Then the action is
sent as the page would send it (the form's hidden fields, plus what a person types): an offered action must not
be refused, and an action not offered must be refused.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from plan.models import ProgressStatus, ReportState
from plan.services import progress
from review.models import Recommendation, ReviewStage
from review.services import assignments, reviews, stages
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import (
    make_criterion,
    make_open_round,
    make_proposal,
    make_published_plan,
    make_round,
    make_suggestion,
    make_unit,
    make_user,
)


@dataclass(frozen=True)
class Action:
    name: str
    role: str  # who acts: office, unit (the proposing unit's staff) or expert
    page: str  # where its button appears, with {round}, {proposal}, {draft}, {assignment}, {suggestion}
    url: str  # the form's action, or the link to the confirmation page
    post: str = ""  # where the action is sent, when not to `url`
    data: dict = field(default_factory=dict)  # what a person fills in


def _move(target: RoundStatus) -> Action:
    return Action(
        f"round→{target.value}",
        "office",
        "/rounds/{round}",
        f"/rounds/{{round}}/transition?target={target.value}",
        post="/rounds/{round}/transition",
        data={"target": target.value, "confirm": "y"},
    )


ACTIONS = [
    *(_move(status) for status in RoundStatus),
    Action("publish assignments", "office", "/rounds/{round}/assignments", "/rounds/{round}/assignments/publish"),
    Action("move the review stage", "office", "/rounds/{round}/review-progress", "/rounds/{round}/review-stage"),
    Action("shortlist", "office", "/proposals/{proposal}/reviews", "/proposals/{proposal}/flag"),
    Action(
        "decide",
        "office",
        "/proposals/{proposal}/reviews",
        "/proposals/{proposal}/decision",
        data={"decision": "selected", "reason": "问题导向明确"},
    ),
    Action("publish decisions", "office", "/rounds/{round}/ranking", "/rounds/{round}/decisions/publish"),
    Action(
        "return a proposal",
        "office",
        "/proposals/{proposal}",
        "/proposals/{proposal}/return",
        data={"reason": "请补充改革目标"},
    ),
    Action("withdraw a proposal", "unit", "/proposals/{proposal}", "/proposals/{proposal}/withdraw"),
    Action("submit a draft", "unit", "/proposals/{draft}", "/proposals/{draft}/submit"),
    Action(
        "save a review",
        "expert",
        "/reviews/{assignment}",
        "/reviews/{assignment}",
        data={"score_{criterion}": "7", "comment": "可行", "recommendation": "recommend", "action": "save"},
    ),
    Action("accept a suggestion", "office", "/suggestions/{suggestion}", "/suggestions/{suggestion}/accept"),
]

# Each phase of a round, as (round status, review stage).
PHASES = [
    ("preparing", None),
    ("soliciting", None),
    ("reviewing", ReviewStage.independent),
    ("reviewing", ReviewStage.discussion),
    ("reviewing", ReviewStage.decision),
    ("planning", None),
    ("implementing", None),
    ("closed", None),
]


def build(status: str, stage: ReviewStage | None) -> dict:
    """A round in `status` (and review `stage`): a submitted proposal with an assigned expert and a draft review, a
    unit's draft, a new suggestion; the users who act."""
    office = make_user(role="office")
    expert = make_user(role="expert")
    if status == "preparing":
        round = make_round(actor=office)
        return {"users": {"office": office, "expert": expert}, "ids": {"round": round.id}}
    round = make_open_round(actor=office)
    criterion = make_criterion(round=round, actor=office)
    proposal = make_proposal(round=round, submit=True)
    staff = proposal.author
    draft = make_proposal(round=round, author=staff)
    suggestion = make_suggestion(round=round)
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    walk = [RoundStatus.reviewing, RoundStatus.planning, RoundStatus.implementing, RoundStatus.closed]
    for target in walk[: [s.value for s in walk].index(status) + 1] if status != "soliciting" else []:
        transition_round(actor=office, round=round, target=target)
        if target is RoundStatus.reviewing:
            assignments.publish_assignments(actor=office, round=round)
            reviews.save_review(
                actor=expert,
                assignment=assignment,
                scores={criterion.id: (5, "")},
                comment="",
                recommendation=Recommendation.recommend,
                familiarity=None,
            )
            for next_stage in list(ReviewStage)[1 : list(ReviewStage).index(stage or ReviewStage.decision) + 1]:
                stages.move_stage(actor=office, round=round, stage=next_stage)
    return {
        "users": {"office": office, "unit": staff, "expert": expert},
        "ids": {
            "round": round.id,
            "proposal": proposal.id,
            "draft": draft.id,
            "assignment": assignment.id,
            "suggestion": suggestion.id,
            "criterion": criterion.id,
        },
    }


class Forms(HTMLParser):
    """The forms of a page (action → hidden fields and the first button's name and value) and its links."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.forms, self.links, self._current = page_url, {}, set(), None
        self.submittable = set()  # the forms with a button: a form whose buttons the page left out offers nothing

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"])
        elif tag == "form" and attrs.get("method", "get").lower() == "post":
            self._action = attrs.get("action") or self.page_url
            self._current = self.forms.setdefault(self._action, {})
        elif self._current is not None and tag == "button" and attrs.get("type", "submit") == "submit":
            self.submittable.add(self._action)
            if attrs.get("name"):
                self._current.setdefault(attrs["name"], attrs.get("value", ""))
        elif self._current is not None and attrs.get("name") and attrs.get("type") == "hidden":
            self._current.setdefault(attrs["name"], attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def refused(response) -> bool:
    """A refusal: an error status, a form shown again with its errors, or a message of a rule broken."""
    return response.status_code >= 400 or 'class="alert alert-error"' in response.get_data(as_text=True)


def fill(text: str, ids: dict) -> str:
    return text.format(**ids)


def _cases():
    """Every phase × action, but for the actions on a proposal, a review or a suggestion before solicitation opens
    (there is none yet)."""
    for phase in PHASES:
        for action in ACTIONS:
            if phase[0] != "preparing" or action.page.startswith("/rounds/"):
                name = f"{phase[0]}-{phase[1].value}" if phase[1] else phase[0]
                yield pytest.param(phase, action, id=f"{name}:{action.name}")


def assert_offered_exactly_when_accepted(client, world: dict, action: Action) -> None:
    """Read the action's page as the role that acts, send the action as the page would, and compare."""
    ids = world["ids"]
    client.login(world["users"][action.role])
    page_url, url = fill(action.page, ids), fill(action.url, ids)
    page = client.get(page_url)
    forms = Forms(page_url)
    if page.status_code == 200:
        forms.feed(page.get_data(as_text=True))
    offered = url in forms.submittable or url in forms.links
    sent = {**forms.forms.get(url, {}), **{fill(k, ids): fill(v, ids) for k, v in action.data.items()}}
    sent.pop("csrf_token", None)
    response = client.post(fill(action.post or action.url, ids), data=sent, follow_redirects=True)
    answer = response.get_data(as_text=True)
    assert refused(response) is not offered, (
        f"{action.name} is {'offered' if offered else 'not offered'} on {page_url} but its service "
        f"{'refused' if refused(response) else 'accepted'}: {answer[answer.find('<main') :][:600]}"
    )


@pytest.mark.parametrize(("phase", "action"), list(_cases()))
def test_an_action_is_offered_exactly_when_its_service_accepts_it(client, phase, action):
    assert_offered_exactly_when_accepted(client, build(*phase), action)


REPORT_ACTIONS = [
    Action("review a report", "office", "/progress-reports/{report}", "/progress-reports/{report}/review"),
    Action(
        "save a report",
        "unit",
        "/key-projects/{project}/progress/1",
        "/key-projects/{project}/progress/1",
        data={"percent": "40", "status": "on_track", "achievements": "完成方案制定", "action": "save"},
    ),
]


def build_report(state: ReportState) -> dict:
    """A published plan's key project with its first quarter's report in `state`."""
    office, unit = make_user(role="office"), make_unit()
    staff = make_user(role="unit_staff", unit=unit)
    [project] = make_published_plan(office=office, lead_unit=unit).projects
    report = progress.save_report(
        actor=staff,
        project=project,
        quarter=1,
        percent=30,
        status=ProgressStatus.on_track,
        achievements="完成方案制定",
        submit=state is not ReportState.draft,
    )
    if state in (ReportState.accepted, ReportState.returned):
        progress.review_report(
            actor=office, report=report, accept=state is ReportState.accepted, comment="请补充进度数据"
        )
    return {"users": {"office": office, "unit": staff}, "ids": {"project": project.id, "report": report.id}}


@pytest.mark.parametrize("action", REPORT_ACTIONS, ids=lambda a: a.name)
@pytest.mark.parametrize("state", list(ReportState), ids=lambda s: s.value)
def test_a_progress_reports_action_is_offered_exactly_when_its_service_accepts_it(client, state, action):
    assert_offered_exactly_when_accepted(client, build_report(state), action)
