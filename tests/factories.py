"""make_* factories: records created through the services, as a user would create them."""

import itertools
from datetime import date

from accounts import services as accounts
from accounts.models import Role, UnitKind
from review import services as review
from solicitation import services as solicitation

PASSWORD = "Secret123"
_sequence = itertools.count(1)


def make_unit(*, name=None, kind=UnitKind.department, actor=None):
    return accounts.create_unit(actor=actor, name=name or f"测试单位{next(_sequence)}", kind=kind)


def make_user(*, role="office", username=None, unit=None, actor=None, **fields):
    role = Role(role)
    if role is Role.unit_staff and unit is None:
        unit = make_unit()
    number = next(_sequence)
    return accounts.create_user(
        actor=actor,
        username=username or f"{role.value}{number}",
        display_name=fields.pop("display_name", f"测试用户{number}"),
        role=role,
        unit_id=unit.id if unit else None,
        password=fields.pop("password", PASSWORD),
        **fields,
    )


def make_round(*, year=None, categories=("经济发展", "民生事业"), actor=None, **fields):
    year = year or 2200 + next(_sequence)
    round = solicitation.create_round(
        actor=actor,
        year=year,
        title=fields.pop("title", f"{year}年改革计划"),
        solicitation_opens=fields.pop("solicitation_opens", date(year - 1, 10, 1)),
        solicitation_closes=fields.pop("solicitation_closes", date(year - 1, 11, 30)),
        review_deadline=fields.pop("review_deadline", date(year - 1, 12, 31)),
        plan_date=fields.pop("plan_date", date(year, 3, 1)),
        **fields,
    )
    for name in categories:
        solicitation.add_category(actor=actor, round=round, name=name)
    return round


def make_criterion(*, round, name=None, weight=20, max_score=10, actor=None):
    return review.add_criterion(
        actor=actor, round=round, name=name or f"指标{next(_sequence)}", weight=weight, max_score=max_score
    )
