"""Review criteria: weights, names, the standard principles, and when they freeze."""

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from extensions import db
from review import queries
from review.errors import ReviewError
from review.scoring import normalised_weights
from review.services import criteria as services
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_round


def test_weights_are_shown_as_shares_of_their_sum():
    assert normalised_weights([3, 1]) == [75.0, 25.0]
    assert normalised_weights([20, 20, 20, 20, 20]) == [20.0] * 5
    assert normalised_weights([]) == []


def test_the_standard_principles_are_added_once_with_equal_weights():
    round = make_round()
    added = services.apply_standard_criteria(actor=None, round=round)
    assert [c.name for c in added] == ["聚焦中心工作", "问题导向", "需求导向", "先行先试", "可复制推广"]
    assert services.apply_standard_criteria(actor=None, round=round) == []
    shares = [share for _criterion, share in queries.criteria_of(round.id)]
    assert shares == pytest.approx([20.0] * 5)


def test_a_criterion_needs_a_positive_weight_and_maximum_and_a_unique_name():
    round = make_round()
    make_criterion(round=round, name="问题导向")
    with pytest.raises(ReviewError, match="weight_not_positive"):
        make_criterion(round=round, weight=0)
    with pytest.raises(ReviewError, match="max_score_not_positive"):
        make_criterion(round=round, max_score=0)
    with pytest.raises(ReviewError, match="criterion_name_taken"):
        make_criterion(round=round, name="问题导向")
    assert len(queries.criteria_of(round.id)) == 1


def test_criteria_freeze_once_the_round_is_past_review():
    round = make_round()
    criterion = make_criterion(round=round, name="可操作性", weight=30)
    for status in (RoundStatus.soliciting, RoundStatus.reviewing):
        transition_round(actor=None, round=round, target=status)
    services.update_criterion(actor=None, criterion=criterion, name="可行性", description="", weight=40, max_score=5)
    transition_round(actor=None, round=round, target=RoundStatus.planning)
    with pytest.raises(ReviewError, match="criteria_frozen"):
        services.update_criterion(actor=None, criterion=criterion, name="x", description="", weight=1, max_score=5)
    with pytest.raises(ReviewError, match="criteria_frozen"):
        services.delete_criterion(actor=None, criterion=criterion)
    db.session.refresh(criterion)
    assert (criterion.name, criterion.weight, criterion.max_score) == ("可行性", 40, 5)
    update = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "criterion.update"))
    assert update.before == {"name": "可操作性", "weight": 30.0, "max_score": 10}


def test_scale_labels_name_points_within_the_scale():
    round = make_round()
    criterion = make_criterion(round=round, name="可行性", max_score=5, scale_labels={5: "完全可行", 0: "不可行"})
    assert criterion.scale_labels == {"0": "不可行", "5": "完全可行"}
    assert criterion.point_label(5) == "5 · 完全可行" and criterion.point_label(3) == "3"
    with pytest.raises(ReviewError, match="scale_label_out_of_range"):
        make_criterion(round=round, max_score=5, scale_labels={6: "超出"})
    with pytest.raises(ReviewError, match="veto_out_of_range"):
        make_criterion(round=round, max_score=5, veto_at=5)


def test_a_criterion_not_counted_has_no_share_of_the_total():
    round = make_round()
    make_criterion(round=round, name="可行性", weight=30)
    make_criterion(round=round, name="适合试点?", weight=50, max_score=1, counted=False)
    make_criterion(round=round, name="创新性", weight=10)
    shares = {c.name: share for c, share in queries.criteria_of(round.id)}
    assert shares == {"可行性": pytest.approx(75.0), "适合试点?": None, "创新性": pytest.approx(25.0)}
