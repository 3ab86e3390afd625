"""Topics (点题) of a round: the office's list, those open to answer, and each topic's answers."""

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from extensions import db
from solicitation.models import Proposal, Topic, TopicStatus


def topics(*, round_id: int, q: str = "", status: TopicStatus | None = None, category_id: int | None = None) -> Select:
    """The round's topics matching the filters, in the order they were set."""
    query = select(Topic).options(selectinload(Topic.category)).where(Topic.round_id == round_id).order_by(Topic.id)
    if q:
        query = query.where(Topic.title.ilike(f"%{q.strip()}%"))
    if status is not None:
        query = query.where(Topic.status == status)
    if category_id is not None:
        query = query.where(Topic.category_id == category_id)
    return query


def topic_choices(round_id: int) -> list[Topic]:
    """Every topic of the round but drafts: what a proposal may answer (the form offers the published ones)."""
    query = select(Topic).where(Topic.round_id == round_id, Topic.status != TopicStatus.draft).order_by(Topic.id)
    return list(db.session.scalars(query))


def topic_open(topic_id: int | None, round_id: int) -> bool:
    """Whether a proposal of the round may answer this topic now: none at all, or one published in the round."""
    if topic_id is None:
        return True
    topic = db.session.get(Topic, topic_id)
    return topic is not None and topic.round_id == round_id and topic.status is TopicStatus.published


def topic_answers(topic_id: int) -> list[Proposal]:
    """The proposals answering the topic that the office has received (submitted at least once), by number."""
    query = (
        select(Proposal)
        .options(selectinload(Proposal.unit), selectinload(Proposal.category))
        .where(Proposal.topic_id == topic_id, Proposal.submitted_at.is_not(None))
        .order_by(Proposal.id)
    )
    return list(db.session.scalars(query))
