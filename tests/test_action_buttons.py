"""Every action is offered only when it can succeed: walk a round through every phase (its proposals in every
state, reviews draft and submitted, and suggestions with it), a suggestion through every state, a plan through every
state and a progress report through every state, and on each page where an action's button appears check that the
page shows it exactly when its service accepts it.

ACTIONS, PROPOSAL_ACTIONS, SUGGESTION_ACTIONS, PLAN_ACTIONS and REPORT_ACTIONS are the tables: a new state-changing
action gets a line here. Each
state is built once for the module (build_world); each case runs in a transaction rolled back after it (`case`),
so the next case finds the world as built. The page is read by the role allowed to act, through a client logged in
once; the action is offered when the page holds a form with a button posting to its URL (or a link to it, for a
move confirmed on its own page); where several forms post to one URL, the action's `match` names the fields (hidden
or the button's) that tell its form apart. Then the action is sent as the page would send it (the form's hidden
fields, plus what a person types): an offered action must not be refused, and an action not offered must be refused.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask.globals import app_ctx
from sqlalchemy.orm import scoped_session, sessionmaker

from extensions import db
from plan.models import PlanStatus, ProgressStatus, ReportState
from plan.services import progress
from review.models import Recommendation, ReviewStage
from review.services import assignments, reviews, stages
from solicitation.models import ProposalStatus, RejectReason, RoundStatus, Suggestion, SuggestionStatus
from solicitation.services import proposals, suggestions
from solicitation.services.rounds import transition_round
from tests.factories import (
    make_criterion,
    make_open_round,
    make_plan,
    make_proposal,
    make_published_plan,
    make_round,
    make_suggestion,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.shared_world  # built once (build_world); each case rolls its changes back


@dataclass(frozen=True)
class Action:
    name: str
    role: str  # who acts: office, unit (the proposing unit's staff) or expert
    page: str  # where its button appears, with {round}, {proposal}, {assignment}, {suggestion}, {plan}…
    url: str  # the form's action, or the link to the confirmation page
    post: str = ""  # where the action is sent, when not to `url`
    data: dict = field(default_factory=dict)  # what a person fills in
    match: dict = field(default_factory=dict)  # the fields telling its form apart from others posting to `url`


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
    Action("publish decisions", "office", "/rounds/{round}/ranking", "/rounds/{round}/decisions/publish"),
    Action(
        "save a review",
        "expert",
        "/reviews/{assignment}",
        "/reviews/{assignment}",
        data={"score_{criterion}": "7", "comment": "可行", "recommendation": "recommend", "action": "save"},
    ),
    Action(
        "submit a review",
        "expert",
        "/reviews/{assignment}",
        "/reviews/{assignment}",
        data={"score_{criterion}": "7", "comment": "可行", "recommendation": "recommend", "action": "submit"},
    ),
    Action(
        "change a submitted review",
        "expert",
        "/reviews/{submitted_assignment}",
        "/reviews/{submitted_assignment}",
        data={"score_{criterion}": "6", "comment": "可行", "recommendation": "recommend", "action": "submit"},
    ),
    Action("reopen a review", "office", "/proposals/{reviewed}/reviews", "/reviews/{submitted_review}/reopen"),
    Action("accept a suggestion", "office", "/suggestions/{suggestion}", "/suggestions/{suggestion}/accept"),
]

# What is done to one proposal, walked over a proposal in each state (ProposalStatus) in each phase of its round.
PROPOSAL_ACTIONS = [
    Action("submit", "unit", "/proposals/{proposal}", "/proposals/{proposal}/submit"),
    Action("withdraw", "unit", "/proposals/{proposal}", "/proposals/{proposal}/withdraw"),
    Action(
        "return", "office", "/proposals/{proposal}", "/proposals/{proposal}/return", data={"reason": "请补充改革目标"}
    ),
    Action("shortlist", "office", "/proposals/{proposal}/reviews", "/proposals/{proposal}/flag"),
    Action(
        "decide",
        "office",
        "/proposals/{proposal}/reviews",
        "/proposals/{proposal}/decision",
        data={"decision": "selected", "reason": "问题导向明确"},
    ),
]

# The triage of a suggestion, walked over a suggestion in each state (SUGGESTION_STATES) of an open round.
SUGGESTION_ACTIONS = [
    Action("accept", "office", "/suggestions/{suggestion}", "/suggestions/{suggestion}/accept"),
    Action("take back the acceptance", "office", "/suggestions/{suggestion}", "/suggestions/{suggestion}/reopen"),
    Action(
        "reject", "office", "/suggestions/{suggestion}", "/suggestions/{suggestion}/reject", data={"reason": "spam"}
    ),
    Action(
        "merge",
        "office",
        "/suggestions/{suggestion}",
        "/suggestions/{suggestion}/duplicate",
        data={"original": "{original}"},
    ),
    Action(
        "refer", "office", "/suggestions/{suggestion}", "/suggestions/{suggestion}/refer", data={"unit_id": "{unit}"}
    ),
    Action(
        "decide",
        "office",
        "/suggestions/{suggestion}",
        "/suggestions/{suggestion}/decide",
        data={"adopted": "yes", "reply": "已采纳，纳入改革计划"},
    ),
    Action(
        "answer the referral",
        "unit",
        "/suggestions/{suggestion}",
        "/suggestions/{suggestion}/answer",
        data={"answer": "我局已研究，建议可行"},
    ),
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
    """A round in `status` (and review `stage`): a submitted proposal with an assigned expert and a draft review,
    another with the expert's review submitted, the unit's proposals in each other state (draft, returned,
    resubmitted, withdrawn), a new suggestion; the users who act."""
    office = make_user(role="office")
    expert = make_user(role="expert")
    if status == "preparing":
        round = make_round(actor=office)
        return {"users": {"office": office, "expert": expert}, "ids": {"round": round.id}}
    round = make_open_round(actor=office)
    criterion = make_criterion(round=round, actor=office)
    proposal = make_proposal(round=round, submit=True)
    staff = proposal.author
    reviewed = make_proposal(round=round, submit=True)
    draft = make_proposal(round=round, author=staff)
    returned, resubmitted, withdrawn = (make_proposal(round=round, author=staff, submit=True) for _ in range(3))
    for sent_back in (returned, resubmitted):
        proposals.return_proposal(actor=office, proposal=sent_back, reason="请补充改革目标")
    proposals.submit_proposal(actor=staff, proposal=resubmitted)
    proposals.withdraw_proposal(actor=staff, proposal=withdrawn)
    suggestion = make_suggestion(round=round)
    assignment = assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    submitted = assignments.assign_expert(actor=office, expert=expert, proposal=reviewed)
    walk = [RoundStatus.reviewing, RoundStatus.planning, RoundStatus.implementing, RoundStatus.closed]
    for target in walk[: [s.value for s in walk].index(status) + 1] if status != "soliciting" else []:
        transition_round(actor=office, round=round, target=target)
        if target is RoundStatus.reviewing:
            assignments.publish_assignments(actor=office, round=round)
            for chosen, submit in ((assignment, False), (submitted, True)):
                reviews.save_review(
                    actor=expert,
                    assignment=chosen,
                    scores={criterion.id: (5, "")},
                    comment="问题导向明确",
                    recommendation=Recommendation.recommend,
                    familiarity=None,
                    submit=submit,
                )
            for next_stage in list(ReviewStage)[1 : list(ReviewStage).index(stage or ReviewStage.decision) + 1]:
                stages.move_stage(actor=office, round=round, stage=next_stage)
    return {
        "users": {"office": office, "unit": staff, "expert": expert},
        "ids": {
            "round": round.id,
            "proposal": proposal.id,
            "reviewed": reviewed.id,
            "assignment": assignment.id,
            "submitted_assignment": submitted.id,
            # a review exists once the round is under review; before, its reopening is refused as a missing one
            "submitted_review": submitted.review.id if submitted.review else 0,
            "suggestion": suggestion.id,
            "criterion": criterion.id,
        },
        "proposals": {
            ProposalStatus.draft: draft.id,
            ProposalStatus.submitted: proposal.id,
            ProposalStatus.returned: returned.id,
            ProposalStatus.resubmitted: resubmitted.id,
            ProposalStatus.withdrawn: withdrawn.id,
        },
    }


def _suggestion_in(state: str, *, office, round, unit, original):
    """A suggestion of `round` brought to `state` by the office's own actions (accepted_linked: accepted, then
    linked to a proposal, so its acceptance can no longer be taken back)."""
    suggestion = make_suggestion(round=round)
    if state == "received":
        return suggestion
    if state in ("rejected", "duplicate"):
        if state == "rejected":
            return suggestions.reject_suggestion(actor=office, suggestion=suggestion, reason=RejectReason.spam)
        return suggestions.mark_duplicate(actor=office, suggestion=suggestion, original=original)
    suggestions.accept_suggestion(actor=office, suggestion=suggestion)
    if state == "accepted_linked":
        proposal = make_proposal(round=round, submit=True)
        suggestions.link_proposals(actor=office, suggestion=suggestion, proposal_ids=[proposal.id])
    elif state == "referred":
        suggestions.refer_suggestion(actor=office, suggestion=suggestion, unit=unit)
    elif state in ("adopted", "not_adopted"):
        suggestions.decide_suggestion(
            actor=office, suggestion=suggestion, adopted=state == "adopted", reply="感谢建议", publish_reply=True
        )
    assert suggestion.status.value == state.removesuffix("_linked")
    return suggestion


SUGGESTION_STATES = [*(s.value for s in SuggestionStatus), "accepted_linked"]


def build_suggestions() -> dict:
    """An open round's suggestions, one in each state; the office and the staff of the unit they are referred to."""
    office = make_user(role="office")
    unit = make_unit()
    staff = make_user(role="unit_staff", unit=unit)
    round = make_open_round(actor=office)
    original = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(round=round))
    made = {
        state: _suggestion_in(state, office=office, round=round, unit=unit, original=original)
        for state in SUGGESTION_STATES
    }
    return {
        "users": {"office": office, "unit": staff},
        "ids": {"unit": unit.id, "original": original.id},
        "suggestions": {state: suggestion.id for state, suggestion in made.items()},
    }


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


def build_plan(status: PlanStatus) -> dict:
    """A plan in `status` with one key project; the office."""
    office = make_user(role="office")
    plan = make_plan(office=office, lead_unit=make_unit(), status=status)
    return {
        "users": {"office": office},
        "ids": {"round": plan.round_id, "plan": plan.id, "project": plan.projects[0].id},
    }


@dataclass(frozen=True)
class Actor:
    """A user as the cases need them once the world's session is gone: who logs in."""

    id: int
    username: str


def _actors(built: dict) -> dict:
    return built | {"users": {role: Actor(user.id, user.username) for role, user in built["users"].items()}}


def build_world() -> dict:
    """Every state the walk reads, each built once: a round in each phase (with a proposal in each state), a
    suggestion in each state, a plan in each state, a report in each state (conftest's module-scoped `world` builds
    it and empties the database after the last case)."""
    return {
        "phases": {phase: _actors(build(*phase)) for phase in PHASES},
        "suggestions": _actors(build_suggestions()),
        "plans": {status: _actors(build_plan(status)) for status in PlanStatus},
        "reports": {state: _actors(build_report(state)) for state in ReportState},
    }


@pytest.fixture(scope="module")
def clients(app, world):
    """A client logged in for each user who acts, once: (id of the user) → client."""
    users = [
        *(user for built in world["phases"].values() for user in built["users"].values()),
        *world["suggestions"]["users"].values(),
        *(user for kind in ("plans", "reports") for built in world[kind].values() for user in built["users"].values()),
    ]
    logged_in = {}
    with app.app_context():
        for user in users:
            if user.id not in logged_in:
                logged_in[user.id] = app.test_client()
                logged_in[user.id].login(user)
    return logged_in


@pytest.fixture
def case(app):
    """Run the case in one database transaction, rolled back after it: every session the case's requests open
    joins it through a savepoint (their commits release the savepoint), so the next case finds the world as built.
    pysqlite begins a transaction only before a write, and its savepoints would then commit: begin it here."""
    db.session.remove()
    connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.isolation_level = None
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    shared = db.session
    # SQLAlchemy's own Session: Flask-SQLAlchemy's picks the engine over the connection it is bound to.
    joined = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    db.session = scoped_session(joined, scopefunc=lambda: id(app_ctx._get_current_object()))
    try:
        yield
    finally:
        db.session.remove()
        db.session = shared
        transaction.rollback()
        if sqlite:
            connection.connection.driver_connection.isolation_level = ""
        connection.close()


@dataclass
class Form:
    action: str
    fields: dict = field(default_factory=dict)  # hidden fields
    # (name, value) of each submit button: a form whose buttons the page left out offers nothing
    buttons: list = field(default_factory=list)

    def matches(self, match: dict) -> bool:
        return all(self.fields.get(name) == value or (name, value) in self.buttons for name, value in match.items())

    def sent(self, match: dict) -> dict:
        """What pressing the button `match` names (or the first) sends."""
        pressed = next((b for b in self.buttons if b[0] in match), self.buttons[0] if self.buttons else None)
        return {**self.fields, **dict([pressed] if pressed and pressed[0] else [])}


class Forms(HTMLParser):
    """The post forms of a page, in order, and its links."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.forms, self.links, self._current = page_url, [], set(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"])
        elif tag == "form" and attrs.get("method", "get").lower() == "post":
            self._current = Form(attrs.get("action") or self.page_url)
            self.forms.append(self._current)
        elif self._current is not None and tag == "button" and attrs.get("type", "submit") == "submit":
            self._current.buttons.append((attrs.get("name"), attrs.get("value", "")))
        elif self._current is not None and attrs.get("name") and attrs.get("type") == "hidden":
            self._current.fields.setdefault(attrs["name"], attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None

    def offering(self, url: str, match: dict) -> Form | None:
        """The form with a button that posts to `url` and is told apart by `match`."""
        return next((f for f in self.forms if f.action == url and f.buttons and f.matches(match)), None)

    def posting_to(self, url: str) -> Form | None:
        return next((f for f in self.forms if f.action == url), None)


def refused(response) -> bool:
    """A refusal: an error status, a form shown again with its errors, or a message of a rule broken."""
    return response.status_code >= 400 or 'class="alert alert-error"' in response.get_data(as_text=True)


def fill(text: str, ids: dict) -> str:
    return text.format(**ids)


def _phase_name(phase) -> str:
    return f"{phase[0]}-{phase[1].value}" if phase[1] else phase[0]


def _cases():
    """Every phase × action, but for the actions on a proposal, a review or a suggestion before solicitation opens
    (there is none yet)."""
    for phase in PHASES:
        for action in ACTIONS:
            if phase[0] != "preparing" or action.page.startswith("/rounds/"):
                yield pytest.param(phase, action, id=f"{_phase_name(phase)}:{action.name}")


def _proposal_cases():
    """Every phase once proposals exist × a proposal in each state × each action on a proposal."""
    for phase in PHASES[1:]:
        for state in ProposalStatus:
            for action in PROPOSAL_ACTIONS:
                yield pytest.param(phase, state, action, id=f"{_phase_name(phase)}:{state.value}:{action.name}")


def assert_offered_exactly_when_accepted(client, users: dict, ids: dict, action: Action) -> None:
    """Read the action's page as the role that acts, send the action as the page would, and compare."""
    page_url, url = fill(action.page, ids), fill(action.url, ids)
    page = client.get(page_url)
    forms = Forms(page_url)
    if page.status_code == 200:
        forms.feed(page.get_data(as_text=True))
    form = forms.offering(url, action.match)
    offered = form is not None or url in forms.links
    # Not offered: what another form posting there carries (its version, say), with the action's own fields.
    form = form or forms.posting_to(url)
    typed = {fill(k, ids): fill(v, ids) for k, v in action.data.items()}
    sent = {**(form.sent(action.match) if form else {}), **action.match, **typed}
    sent.pop("csrf_token", None)
    response = client.post(fill(action.post or action.url, ids), data=sent, follow_redirects=True)
    answer = response.get_data(as_text=True)
    assert refused(response) is not offered, (
        f"{action.name} is {'offered' if offered else 'not offered'} on {page_url} but its service "
        f"{'refused' if refused(response) else 'accepted'}: {answer[answer.find('<main') :][:600]}"
    )


@pytest.mark.parametrize(("phase", "action"), list(_cases()))
def test_an_action_is_offered_exactly_when_its_service_accepts_it(world, clients, case, phase, action):
    built = world["phases"][phase]
    client = clients[built["users"][action.role].id]
    assert_offered_exactly_when_accepted(client, built["users"], built["ids"], action)


@pytest.mark.parametrize(("phase", "state", "action"), list(_proposal_cases()))
def test_a_proposals_action_is_offered_exactly_when_its_service_accepts_it(world, clients, case, phase, state, action):
    built = world["phases"][phase]
    ids = {**built["ids"], "proposal": built["proposals"][state]}
    assert_offered_exactly_when_accepted(clients[built["users"][action.role].id], built["users"], ids, action)


@pytest.mark.parametrize("action", SUGGESTION_ACTIONS, ids=lambda a: a.name)
@pytest.mark.parametrize("state", SUGGESTION_STATES)
def test_a_suggestions_action_is_offered_exactly_when_its_service_accepts_it(world, clients, case, state, action):
    built = world["suggestions"]
    ids = {**built["ids"], "suggestion": built["suggestions"][state]}
    assert_offered_exactly_when_accepted(clients[built["users"][action.role].id], built["users"], ids, action)


def _plan_move(target: PlanStatus) -> Action:
    return Action(
        f"plan→{target.value}",
        "office",
        "/rounds/{round}/plans/{plan}",
        "/plans/{plan}/transition",
        match={"target": target.value},
        data={"meeting": "区委全面深化改革委员会第十三次会议", "approved_on": "2017-03-01"},
    )


PLAN_ACTIONS = [
    *(_plan_move(status) for status in PlanStatus),
    Action("remove a key project", "office", "/rounds/{round}/plans/{plan}", "/key-projects/{project}/delete"),
]


@pytest.mark.parametrize("action", PLAN_ACTIONS, ids=lambda a: a.name)
@pytest.mark.parametrize("state", list(PlanStatus), ids=lambda s: s.value)
def test_a_plans_action_is_offered_exactly_when_its_service_accepts_it(world, clients, case, state, action):
    built = world["plans"][state]
    assert_offered_exactly_when_accepted(clients[built["users"][action.role].id], built["users"], built["ids"], action)


def _report_edit(name: str, button: str) -> Action:
    return Action(
        name,
        "unit",
        "/key-projects/{project}/progress/1",
        "/key-projects/{project}/progress/1",
        data={"percent": "40", "status": "on_track", "achievements": "完成方案制定"},
        match={"action": button},
    )


REPORT_ACTIONS = [
    Action(
        "accept a report",
        "office",
        "/progress-reports/{report}",
        "/progress-reports/{report}/review",
        match={"accept": "1"},
    ),
    Action(
        "return a report",
        "office",
        "/progress-reports/{report}",
        "/progress-reports/{report}/review",
        data={"comment": "请补充进度数据"},
        match={"accept": "0"},
    ),
    _report_edit("save a report", "save"),
    _report_edit("submit a report", "submit"),
]


@pytest.mark.parametrize("action", REPORT_ACTIONS, ids=lambda a: a.name)
@pytest.mark.parametrize("state", list(ReportState), ids=lambda s: s.value)
def test_a_progress_reports_action_is_offered_exactly_when_its_service_accepts_it(world, clients, case, state, action):
    built = world["reports"][state]
    assert_offered_exactly_when_accepted(clients[built["users"][action.role].id], built["users"], built["ids"], action)


def test_each_case_left_the_world_as_it_was_built(world):
    """The rollback of each case is what makes a world built once honest: the states are still those built."""
    states = {
        state: db.session.get(Suggestion, suggestion_id).status.value
        for state, suggestion_id in world["suggestions"]["suggestions"].items()
    }
    assert states == {state: state.removesuffix("_linked") for state in SUGGESTION_STATES}
