"""Rounds: dates, legal status moves, categories and presets."""

from datetime import date

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import Round, RoundStatus
from solicitation.services import rounds as services
from tests.factories import make_round, make_user

S = RoundStatus


def round_events(round):
    query = select(AuditEvent).where(AuditEvent.object_type == "Round", AuditEvent.object_id == round.id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_create_round_starts_in_preparation_with_a_preset_of_categories():
    office = make_user(role="office")
    round = make_round(year=2024, categories=(), category_preset="jinwan", actor=office)
    assert round.status is S.preparing
    assert [c.name for c in round.categories] == ["经济提升", "区域提升", "民生提升", "破解难题"]
    assert round_events(round)[0].action == "round.create"


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ((date(2016, 12, 1), date(2016, 11, 30), date(2016, 12, 31), date(2017, 3, 1)), "solicitation_closes"),
        ((date(2016, 10, 1), date(2016, 11, 30), date(2016, 11, 1), date(2017, 3, 1)), "review_deadline"),
        ((date(2016, 10, 1), date(2016, 11, 30), date(2016, 12, 31), date(2016, 12, 1)), "plan_date"),
    ],
)
def test_a_round_whose_dates_are_out_of_order_is_refused(dates, field):
    opens, closes, deadline, plan = dates
    with pytest.raises(SolicitationError) as refused:
        make_round(solicitation_opens=opens, solicitation_closes=closes, review_deadline=deadline, plan_date=plan)
    assert (refused.value.code, refused.value.field) == ("dates_out_of_order", field)
    assert db.session.scalar(select(func.count(Round.id))) == 0


def test_two_rounds_cannot_share_a_year():
    make_round(year=2017)
    with pytest.raises(SolicitationError, match="year_taken"):
        make_round(year=2017)


def test_a_round_goes_through_every_status_in_order_and_each_move_is_audited():
    office = make_user(role="office")
    round = make_round(actor=office)
    for target in (S.soliciting, S.reviewing, S.planning, S.implementing, S.closed):
        services.transition_round(actor=office, round=round, target=target)
        assert round.status is target
    moves = [(e.before["status"], e.after["status"]) for e in round_events(round) if e.action == "round.transition"]
    assert moves == [
        ("preparing", "soliciting"),
        ("soliciting", "reviewing"),
        ("reviewing", "planning"),
        ("planning", "implementing"),
        ("implementing", "closed"),
    ]
    assert all(e.actor_id == office.id for e in round_events(round))


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), S.reviewing),
        ((), S.closed),
        ((S.soliciting,), S.planning),
        ((S.soliciting, S.reviewing, S.planning, S.implementing), S.planning),
        ((S.soliciting, S.reviewing, S.planning, S.implementing, S.closed), S.implementing),
        ((S.soliciting,), S.soliciting),
    ],
)
def test_an_illegal_move_is_refused_and_changes_nothing(path, target):
    round = make_round()
    for status in path:
        services.transition_round(actor=None, round=round, target=status)
    events_before = len(round_events(round))
    status_before = round.status
    with pytest.raises(SolicitationError, match="transition_not_allowed"):
        services.transition_round(actor=None, round=round, target=target)
    db.session.refresh(round)
    assert round.status is status_before and len(round_events(round)) == events_before


def test_solicitation_or_review_can_be_reopened_one_step_back():
    round = make_round()
    services.transition_round(actor=None, round=round, target=S.soliciting)
    services.transition_round(actor=None, round=round, target=S.reviewing)
    services.transition_round(actor=None, round=round, target=S.soliciting)
    assert round.status is S.soliciting


def test_solicitation_cannot_open_without_categories():
    round = make_round(categories=())
    with pytest.raises(SolicitationError, match="no_categories"):
        services.transition_round(actor=None, round=round, target=S.soliciting)
    assert round.status is S.preparing


def test_category_names_are_unique_within_a_round_only():
    first, second = make_round(categories=("经济发展",)), make_round(categories=("经济发展",))
    with pytest.raises(SolicitationError, match="category_name_taken"):
        services.add_category(actor=None, round=first, name=" 经济发展 ")
    assert len(first.categories) == len(second.categories) == 1


def test_a_preset_adds_only_the_categories_the_round_lacks():
    round = make_round(categories=("经济发展", "其他"))
    added = services.apply_category_preset(actor=None, round=round, preset="longgang")
    assert [c.name for c in added] == ["政府职能转变", "城市建设", "社会管理", "民生事业"]
    assert [c.name for c in round.categories] == [
        "经济发展",
        "其他",
        "政府职能转变",
        "城市建设",
        "社会管理",
        "民生事业",
    ]


def test_update_and_delete_category_are_audited():
    round = make_round(categories=("城市建设",))
    [category] = round.categories
    services.update_category(actor=None, category=category, name="城市建设管理", description="含城市更新")
    services.delete_category(actor=None, category=category)
    query = select(AuditEvent).where(AuditEvent.object_type == "Category").order_by(AuditEvent.id)
    actions = [e.action for e in db.session.scalars(query)]
    assert actions == ["category.create", "category.update", "category.delete"]
    assert round.categories == []


def test_a_closed_round_can_no_longer_change():
    round = make_round()
    for status in (S.soliciting, S.reviewing, S.planning, S.implementing, S.closed):
        services.transition_round(actor=None, round=round, target=status)
    with pytest.raises(SolicitationError, match="round_closed"):
        services.add_category(actor=None, round=round, name="新领域")
    with pytest.raises(SolicitationError, match="round_closed"):
        services.update_round(
            actor=None,
            round=round,
            year=round.year,
            title="改名",
            description="",
            solicitation_opens=round.solicitation_opens,
            solicitation_closes=round.solicitation_closes,
            review_deadline=round.review_deadline,
            plan_date=round.plan_date,
        )
    assert round.title != "改名"


def test_the_database_itself_refuses_dates_out_of_order():
    round = make_round()
    round.plan_date = date(2000, 1, 1)
    with pytest.raises(Exception, match="(?i)check"):
        db.session.commit()
    db.session.rollback()


def test_a_category_in_use_cannot_be_removed():
    from tests.factories import make_open_round, make_proposal

    round = make_open_round(categories=("民生事业",))
    make_proposal(round=round, submit=True, category_id=round.categories[0].id)
    with pytest.raises(SolicitationError, match="category_in_use"):
        services.delete_category(actor=None, category=round.categories[0])
    assert len(round.categories) == 1
