"""State changes of topics (点题): the office sets them, publishes them for units to answer, withdraws them.

Each checks who and from which state, writes an AuditEvent and commits.
"""

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core.models import utcnow
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import Round, RoundStatus, Topic, TopicStatus
from solicitation.queries import category_in_round

TOPIC_FIELDS = ["title", "category_id", "problem", "expected_result", "status"]


def _check(actor: User, round: Round) -> None:
    check_office(actor, SolicitationError)
    if round.status is RoundStatus.closed:
        raise SolicitationError("round_closed")


def _write(topic: Topic, *, title: str, category_id: int | None, problem: str, expected_result: str) -> None:
    if not title.strip():
        raise SolicitationError("topic_title_required", field="title")
    if not category_in_round(category_id, topic.round.id):
        raise SolicitationError("category_not_in_round", field="category_id")
    topic.title, topic.category_id = title.strip(), category_id
    topic.problem, topic.expected_result = problem.strip(), expected_result.strip()


def create_topic(
    *, actor: User, round: Round, title: str, category_id: int | None, problem: str = "", expected_result: str = ""
) -> Topic:
    """Set a topic of the round, as a draft units do not see yet."""
    _check(actor, round)
    topic = Topic(round=round, status=TopicStatus.draft)
    _write(topic, title=title, category_id=category_id, problem=problem, expected_result=expected_result)
    db.session.add(topic)
    audit.record(actor=actor, action="topic.create", obj=topic, after=audit.snapshot(topic, TOPIC_FIELDS))
    db.session.commit()
    return topic


def update_topic(
    *, actor: User, topic: Topic, title: str, category_id: int | None, problem: str, expected_result: str
) -> Topic:
    """Change a topic's problem, field or expected result, unless it was withdrawn."""
    _check(actor, topic.round)
    if topic.status is TopicStatus.withdrawn:
        raise SolicitationError("topic_withdrawn")
    before = audit.snapshot(topic, TOPIC_FIELDS)
    _write(topic, title=title, category_id=category_id, problem=problem, expected_result=expected_result)
    audit.record(
        actor=actor, action="topic.update", obj=topic, before=before, after=audit.snapshot(topic, TOPIC_FIELDS)
    )
    db.session.commit()
    return topic


def publish_topic(*, actor: User, topic: Topic) -> Topic:
    """Publish a draft topic: units may answer it with a proposal from now on."""
    _check(actor, topic.round)
    if topic.status is not TopicStatus.draft:
        raise SolicitationError("topic_not_draft")
    topic.status, topic.published_at = TopicStatus.published, utcnow()
    audit.record(
        actor=actor, action="topic.publish", obj=topic, before={"status": "draft"}, after={"status": "published"}
    )
    db.session.commit()
    return topic


def withdraw_topic(*, actor: User, topic: Topic) -> Topic:
    """Withdraw a published topic: no new answers; the proposals that answered it keep saying so."""
    _check(actor, topic.round)
    if topic.status is not TopicStatus.published:
        raise SolicitationError("topic_not_published")
    topic.status = TopicStatus.withdrawn
    audit.record(
        actor=actor, action="topic.withdraw", obj=topic, before={"status": "published"}, after={"status": "withdrawn"}
    )
    db.session.commit()
    return topic
