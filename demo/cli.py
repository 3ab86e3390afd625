"""`flask demo load`: the Longgang 2017 round with its units, categories, criteria and an account per role."""

from datetime import date

import click
from sqlalchemy import select

from accounts import services as accounts
from accounts.models import Role, Unit, UnitKind, User
from demo.longgang import load_seed
from extensions import db
from review import services as review
from solicitation.models import Round, RoundStatus
from solicitation.services import rounds as solicitation

DEMO_PASSWORD = "Longgang2017"

# Units the seed does not name, so that every kind of unit can be explored.
EXTRA_UNITS = [
    ("区卫生计生局", UnitKind.department),
    ("区人力资源局", UnitKind.department),
    ("布吉街道", UnitKind.subdistrict),
    ("坂田街道", UnitKind.subdistrict),
    ("横岗街道", UnitKind.subdistrict),
    ("龙岗供电局", UnitKind.stationed),
    ("龙岗海关", UnitKind.stationed),
]

# username, name, role, unit (None: no unit)
DEMO_USERS = [
    ("office", "李明（改革办）", Role.office, "区委改革办"),
    ("unit.zhengwuban", "张伟（区政务办）", Role.unit_staff, "区政务办"),
    ("unit.pinghu", "陈静（平湖街道）", Role.unit_staff, "平湖街道"),
    ("unit.gongdian", "黄海（龙岗供电局）", Role.unit_staff, "龙岗供电局"),
    ("expert.liu", "刘教授（深圳大学）", Role.expert, None),
    ("expert.zhou", "周研究员（区发改局）", Role.expert, "区发改局"),
    ("leader.gao", "高自民", Role.leader, None),
    ("leader.dai", "戴斌", Role.leader, None),
]


def load_demo() -> Round:
    """Create the demo round and everything around it; return the existing round if already loaded."""
    seed = load_seed()
    existing = db.session.scalar(select(Round).where(Round.year == seed.year))
    if existing is not None:
        return existing

    units = [(seed.office_unit, UnitKind.department)]
    units += [(name, UnitKind.department) for name in seed.lead_units]
    units += [(name, UnitKind.subdistrict) for name in seed.pilot_subdistricts]
    units += EXTRA_UNITS
    unit_ids = {}
    for name, kind in units:
        unit = db.session.scalar(select(Unit).where(Unit.name == name))
        unit = unit or accounts.create_unit(actor=None, name=name, kind=kind)
        unit_ids[name] = unit.id

    for username, name, role, unit in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            accounts.create_user(
                actor=None,
                username=username,
                display_name=name,
                role=role,
                unit_id=unit_ids.get(unit),
                password=DEMO_PASSWORD,
            )

    # Longgang began drafting in October of the year before the plan year.
    round = solicitation.create_round(
        actor=None,
        year=seed.year,
        title=f"{seed.district}{seed.year}年改革计划",
        description=(
            f"多渠道广泛征集改革项目：向区直单位、街道、驻区单位征集改革项目，"
            f"通过微信公众号等平台汇集群众改革需求、建议。（{seed.year}年实际征集改革项目"
            f"{seed.proposals_received}个、群众建议{seed.suggestions_received}条，"
            f"确定重点改革项目{len(seed.key_projects)}个。）"
        ),
        solicitation_opens=date(seed.year - 1, 10, 1),
        solicitation_closes=date(seed.year - 1, 11, 30),
        review_deadline=date(seed.year - 1, 12, 31),
        plan_date=date(seed.year, 3, 1),
    )
    for name in seed.categories:
        solicitation.add_category(actor=None, round=round, name=name)
    review.apply_standard_criteria(actor=None, round=round)
    solicitation.transition_round(actor=None, round=round, target=RoundStatus.soliciting)
    return round


@click.group("demo", help="Demo data.")
def demo_cli():
    pass


@demo_cli.command("load")
def load():
    """Load the Longgang 2017 demo round (safe to run again) and print the demo logins."""
    round = load_demo()
    click.echo(f"Demo round: {round.title} ({round.status.value}).")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, name, role, _unit in DEMO_USERS:
        click.echo(f"  {role.value:<11} {username:<16} {name}")
