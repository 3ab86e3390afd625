"""make_* factories: records created through the services, as a user would create them."""

import itertools
from datetime import date, timedelta

from accounts import services as accounts
from accounts.models import Role, UnitKind
from core import clock
from extensions import db
from plan.models import PlanStatus
from plan.services import key_projects
from plan.services import plans as plan_services
from review.services import criteria as review
from solicitation.models import Channel, RoundStatus, Theme, ThemeMember
from solicitation.services import proposals, suggestions
from solicitation.services import rounds as solicitation

PASSWORD = "Secret12345"
# What a resident types into the public suggestion form (/suggest).
SUGGESTION_FORM = {
    "title": "建议增设社区长者饭堂",
    "content": "社区老人就餐不便，建议每个社区设长者饭堂。",
    "location": "平湖街道",
    "contact_name": "陈大爷",
    "contact_phone": "13700001111",
    "contact_email": "",
    "consent": "y",
    "website": "",
}
# What the office types into the new round form (/rounds/new).
ROUND_FORM = {
    "year": "2018",
    "title": "龙岗区2018年改革计划",
    "description": "面向区直单位、街道、驻区单位征集",
    "solicitation_opens": "2017-10-01",
    "solicitation_closes": "2017-11-30",
    "review_deadline": "2017-12-31",
    "plan_date": "2018-03-01",
    "category_preset": "longgang",
}
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


def make_criterion(*, round, name=None, weight=20, max_score=10, actor=None, **fields):
    return review.add_criterion(
        actor=actor, round=round, name=name or f"指标{next(_sequence)}", weight=weight, max_score=max_score, **fields
    )


def make_open_round(*, actor=None, **fields):
    """A round taking proposals today."""
    today = clock.today()
    round = make_round(
        solicitation_opens=today - timedelta(days=10),
        solicitation_closes=today + timedelta(days=30),
        review_deadline=today + timedelta(days=60),
        plan_date=today + timedelta(days=90),
        actor=actor,
        **fields,
    )
    return solicitation.transition_round(actor=actor, round=round, target=RoundStatus.soliciting)


def proposal_fields(round, **overrides):
    """A complete proposal, as the seed writes its projects."""
    fields = {
        "title": "创新家庭医生服务模式",
        "category_id": round.categories[0].id,
        "background": "为解决家庭医生动力不足、能力不足、对群众吸引力不足等问题。",
        "content": "从签约服务方式、内容、考核、激励机制、技术支撑等方面探索突破。",
        "innovation": "在全市率先探索。",
        "goals": "促进医疗卫生工作重心下移、资源下沉。",
        "contact_name": "王科长",
        "contact_phone": "0755-12345678",
    }
    return {**fields, **overrides}


def make_proposal(*, round=None, author=None, submit=False, cooperating_unit_ids=(), **overrides):
    """A proposal drafted (and, with submit=True, submitted) by unit staff."""
    round = round or make_open_round()
    author = author or make_user(role="unit_staff")
    proposal = proposals.create_proposal(
        actor=author, round=round, fields=proposal_fields(round, **overrides), cooperating_unit_ids=cooperating_unit_ids
    )
    if submit:
        proposals.submit_proposal(actor=author, proposal=proposal)
    return proposal


def make_suggestion(*, round=None, channel="web", consent=True, actor=None, **overrides):
    """A resident's suggestion, as sent through the public form."""
    round = round or make_open_round()
    fields = {
        "title": "建议推行“一网通办”",
        "content": "办理企业开办手续仍需多次跑腿，建议全流程网上办理。",
        "location": "龙城街道",
        "contact_name": "王芳",
        "contact_phone": "13812345678",
        "contact_email": "",
        **overrides,
    }
    return suggestions.submit_suggestion(
        round=round, fields=fields, channel=Channel(channel), consent=consent, actor=actor
    )


def make_theme(*, round, suggestions=(), name="公交出行", words=("公交", "线路"), closeness=0.9):
    """A theme of the round holding `suggestions` (as a computation leaves one), the first the closest."""
    theme = Theme(round_id=round.id, name=name, words=list(words), size=len(suggestions))
    db.session.add(theme)
    db.session.flush()
    for rank, suggestion in enumerate(suggestions):
        db.session.add(ThemeMember(suggestion_id=suggestion.id, theme_id=theme.id, closeness=closeness - rank / 100))
    db.session.commit()
    return theme


def make_published_plan(*, office, lead_unit, title="推进网格管理标准化"):
    """A plan of its own round with one key project led by `lead_unit`, approved and published."""
    return make_plan(office=office, lead_unit=lead_unit, title=title, status=PlanStatus.published)


def make_plan(*, office, lead_unit, title="推进网格管理标准化", status=PlanStatus.draft):
    """A plan of its own round with one key project led by `lead_unit`, moved by the office up to `status`."""
    round = make_open_round(actor=office)
    for round_status in (RoundStatus.reviewing, RoundStatus.planning):
        solicitation.transition_round(actor=office, round=round, target=round_status)
    plan = plan_services.create_plan(actor=office, round=round)
    key_projects.add_key_project(
        actor=office, plan=plan, fields={"title": title, "lead_leader": "高自民", "lead_unit_id": lead_unit.id}
    )
    steps = (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published)
    for target in steps[: steps.index(status) + 1] if status in steps else ():
        plan_services.transition_plan(
            actor=office, plan=plan, target=target, meeting="第十三次会议", approved_on=date(2017, 3, 1)
        )
    return plan
