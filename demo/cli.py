"""`flask demo load`: the Longgang 2017 round read from the seed, the Jinwan 2023 round of two lists of tasks
handed down, and the next round open for solicitation, with units, accounts for every role, proposals in every
status and suggestions from every channel."""

import random
from datetime import date, timedelta

import click
from sqlalchemy import select

from accounts import services as accounts
from accounts.models import Role, Unit, UnitKind, User
from core import clock
from demo import jinwan, stories
from demo.longgang import LonggangSeed, load_seed
from extensions import db
from plan.models import PlanStatus, ProgressStatus
from plan.services import key_projects, progress
from plan.services import parts as plan_parts
from plan.services import plans as plan_services
from plan.services import tasks as plan_tasks
from review import queries as review_queries
from review.models import Decision, Familiarity, Recommendation, ReviewStage
from review.presets import PILOT_CRITERION
from review.ranking import rank_round
from review.services import assignments, conflicts, field_visits, reviews, screening, stages, suggestion_reviews
from review.services import criteria as review
from solicitation.models import PUBLIC_CHANNELS, RejectReason, Round, RoundStatus
from solicitation.services import imports, proposals, suggestions
from solicitation.services import rounds as solicitation

DEMO_PASSWORD = "Longgang2017"


def _units(seed: LonggangSeed) -> dict[str, Unit]:
    wanted = [(seed.office_unit, UnitKind.department)]
    wanted += [(name, UnitKind.department) for name in seed.lead_units]
    wanted += [(name, UnitKind.subdistrict) for name in seed.pilot_subdistricts]
    wanted += [(name, UnitKind(kind)) for name, kind in stories.EXTRA_UNITS]
    units = {}
    for name, kind in wanted:
        unit = db.session.scalar(select(Unit).where(Unit.name == name))
        units[name] = unit or accounts.create_unit(actor=None, name=name, kind=kind)
    return units


def _users(units: dict[str, Unit]) -> dict[str, User]:
    people = [
        *stories.DEMO_USERS,
        *((u, n, "unit_staff", unit) for u, n, unit in stories.AUTHORS),
        *((u, n, "expert", None) for u, n in stories.EXTRA_EXPERT_USERS),
    ]
    users = {}
    for username, name, role, unit in people:
        user = db.session.scalar(select(User).where(User.username == username))
        users[username] = user or accounts.create_user(
            actor=None,
            username=username,
            display_name=name,
            role=Role(role),
            unit_id=units[unit].id if unit else None,
            password=DEMO_PASSWORD,
            # Experts are reminded by mail; one has no address, as happens, and is reminded another way.
            email=f"{username}@longgang.example" if role == "expert" and username != "expert.zhou" else None,
        )
    return users


def _staff_of(users: dict[str, User], unit_name: str) -> User:
    return next(u for u in users.values() if u.role is Role.unit_staff and u.unit and u.unit.name == unit_name)


def _round(*, year: int, title: str, description: str, opens: date) -> Round:
    round = solicitation.create_round(
        actor=None,
        year=year,
        title=title,
        description=description,
        solicitation_opens=opens,
        solicitation_closes=opens + timedelta(days=60),
        review_deadline=opens + timedelta(days=90),
        plan_date=opens + timedelta(days=150),
        category_preset="longgang",
    )
    review.apply_standard_criteria(actor=None, round=round)
    return solicitation.transition_round(actor=None, round=round, target=RoundStatus.soliciting)


def _load_longgang(seed: LonggangSeed, users: dict[str, User]) -> Round:
    """The seed's round as it stood when review began: its 11 projects proposed by their lead units."""
    round = _round(
        year=seed.year,
        title=f"{seed.district}{seed.year}年改革计划",
        description=(
            f"多渠道广泛征集改革项目：向区直单位、街道、驻区单位征集改革项目，通过微信公众号等平台汇集群众改革需求、建议。"
            f"（实际征集改革项目{seed.proposals_received}个、群众建议{seed.suggestions_received}条，"
            f"确定重点改革项目{len(seed.key_projects)}个。）"
        ),
        opens=date(seed.year - 1, 10, 1),  # Longgang began in October of the year before
    )
    during = round.solicitation_opens + timedelta(days=30)
    categories = {category.name: category.id for category in round.categories}
    units = {unit.name: unit.id for unit in db.session.scalars(select(Unit))}
    for project in seed.key_projects:
        unit_name, category, partners = stories.LONGGANG_2017[project.number]
        author = _staff_of(users, unit_name)
        proposal = proposals.create_proposal(
            actor=author,
            round=round,
            fields=_proposal_fields(
                author,
                title=project.title,
                category_id=categories[category],
                background=project.background,
                content=project.content,
                goals=project.content.rsplit("，", 1)[-1],
            ),
            cooperating_unit_ids=[units[name] for name in partners],
            today=during,
        )
        proposals.submit_proposal(actor=author, proposal=proposal, today=during)
    for unit_name, category, title, background, content, goals in stories.LONGGANG_2017_OTHERS:
        author = _staff_of(users, unit_name)
        fields = _proposal_fields(
            author, title=title, category_id=categories[category], background=background, content=content, goals=goals
        )
        proposal = proposals.create_proposal(actor=author, round=round, fields=fields, today=during)
        proposals.submit_proposal(actor=author, proposal=proposal, today=during)
    solicitation.transition_round(actor=None, round=round, target=RoundStatus.reviewing)
    _review_longgang(round, users, key_titles={p.title for p in seed.key_projects})
    return round


def _proposal_fields(author: User, **fields) -> dict:
    """A proposal's fields as its author writes them, the author (without their title) as its contact."""
    return {**fields, "contact_name": author.display_name.split("（")[0]}


def _review_longgang(round: Round, users: dict[str, User], key_titles: set[str]) -> None:
    """The 2017 panel at work: profiles, detected conflicts, three experts a proposal, reviews with a harsh one."""
    office = users["office"]
    panel = []
    for username, institution, _unit, expertise, load, bias in stories.REVIEW_EXPERTS:
        expert = users[username]
        assignments.save_expert_profile(
            actor=office, expert=expert, institution=institution, expertise=expertise, max_load=load
        )
        panel.append((expert, bias))
    for conflict in conflicts.detect_conflicts(actor=office, round=round):
        conflicts.decide_conflict(actor=office, conflict=conflict, confirm=True)
    criteria = [c for c, _share in review_queries.criteria_of(round.id) if c.counted]
    name, description, labels = PILOT_CRITERION
    pilot = review.add_criterion(
        actor=office,
        round=round,
        name=name,
        description=description,
        weight=1,
        max_score=1,
        scale_labels=labels,
        counted=False,
    )
    problem = next(c for c in criteria if c.name == "问题导向")
    review.update_criterion(
        actor=office,
        criterion=problem,
        name=problem.name,
        description=problem.description,
        weight=problem.weight,
        max_score=problem.max_score,
        scale_labels=problem.scale_labels,
        veto_at=3,
    )
    noise = random.Random(2017)  # the same demo every time
    made = []
    for index, proposal in enumerate(review_queries.round_proposals(round.id)):
        free = [(e, b) for e, b in panel if not review_queries.is_conflicted(e.id, proposal.id)]
        chosen = [free[(index + step) % len(free)] for step in range(3)]
        made += [(assignments.assign_expert(actor=office, expert=e, proposal=proposal), b) for e, b in chosen]
    assignments.publish_assignments(actor=office, round=round)
    for number, (assignment, bias) in enumerate(made):
        quality = 8.3 if assignment.proposal.title in key_titles else 6.0
        scores = {
            c.id: (max(0, min(c.max_score, round_half(quality + bias + noise.uniform(-1, 1)))), "") for c in criteria
        }
        mean = sum(v for v, _n in scores.values()) / len(scores)
        scores[pilot.id] = (int(quality > 7 and bias >= 0), "")
        recommendation = (
            Recommendation.recommend
            if mean >= 7.5
            else Recommendation.recommend_if_revised
            if mean >= 5.5
            else Recommendation.not_recommended
        )
        reviews.save_review(
            actor=assignment.expert,
            assignment=assignment,
            scores=scores,
            comment=stories.REVIEW_COMMENTS[recommendation.value],
            recommendation=recommendation,
            familiarity=Familiarity.medium,
        )
        if number % 11 != 10:  # a few stay drafts
            reviews.submit_review(actor=assignment.expert, assignment=assignment)
    # The office draws the cut line at Longgang's 11 and shortlists a few more to look at closely.
    assignments.save_review_settings(
        actor=office, round=round, reviewers_per_proposal=3, trim_extremes=False, blind=False, cut_line=11
    )
    for row in rank_round(round.id).rows[:14]:
        screening.set_flag(actor=office, proposal=row.proposal, flag="shortlisted", on=True)
    by_title = {p.title: p for p in review_queries.round_proposals(round.id)}
    for title, days_before, place, people, findings in stories.FIELD_VISITS:
        field_visits.record_field_visit(
            actor=office,
            proposal=by_title[title],
            visited_on=round.review_deadline - timedelta(days=days_before),
            place=place,
            people_met=people,
            findings=findings,
        )
    # Independent scoring is over; the panel now discusses the most disputed proposals.
    stages.save_stage_dates(
        actor=office,
        round=round,
        discussion_until=round.review_deadline + timedelta(days=14),
        decision_until=round.review_deadline + timedelta(days=30),
    )
    stages.move_stage(actor=office, round=round, stage=ReviewStage.discussion)


def round_half(value: float) -> int:
    return int(value + 0.5)


def _load_next_round(users: dict[str, User]) -> Round:
    """Next year's round, open today: proposals in every status, suggestions from every channel."""
    today = clock.today()
    round = _round(
        year=today.year + 1,
        title=f"龙岗区{today.year + 1}年改革计划",
        description="面向区直单位、街道、驻区单位征集改革项目，面向群众征集改革需求、建议。",
        opens=today - timedelta(days=20),
    )
    office = users["office"]
    categories = {category.name: category.id for category in round.categories}
    made = {}
    for username, status, title, category, background, content, goals in stories.NEXT_PROPOSALS:
        author = users[username]
        fields = _proposal_fields(
            author, title=title, category_id=categories[category], background=background, content=content, goals=goals
        )
        proposal = proposals.create_proposal(actor=author, round=round, fields=fields)
        made[title] = proposal
        if status == "draft":
            continue
        if not goals:
            fields["goals"] = "（待补充）"
            proposals.update_proposal(actor=author, proposal=proposal, fields=fields)
        proposals.submit_proposal(actor=author, proposal=proposal)
        if status in ("returned", "resubmitted"):
            proposals.return_proposal(actor=office, proposal=proposal, reason=stories.RETURN_REASON)
        if status == "resubmitted":
            fields["goals"] = "守信企业高频事项当天办结率达90%，企业满意度达95%。"
            proposals.update_proposal(actor=author, proposal=proposal, fields=fields)
            proposals.submit_proposal(actor=author, proposal=proposal)
        if status == "withdrawn":
            proposals.withdraw_proposal(actor=author, proposal=proposal)

    heard = {}
    for channel, title, content, category, place, name, phone, email, fate in stories.NEXT_SUGGESTIONS:
        suggestion = suggestions.submit_suggestion(
            round=round,
            fields={
                "title": title,
                "content": content,
                "category_id": categories.get(category),
                "location": place,
                "contact_name": name,
                "contact_phone": phone,
                "contact_email": email,
            },
            channel=channel,
            consent=bool(name or phone or email),
            actor=None if channel in PUBLIC_CHANNELS else office,  # the office enters hotline, forum, letter
        )
        heard[title] = suggestion
        _triage(office, users, suggestion, fate, heard, made)
    imports.import_suggestions(
        actor=office, round=round, filename="座谈会记录.csv", data=stories.NEXT_IMPORT_CSV.encode("utf-8")
    )
    _screen_suggestions(office, round)
    return round


def _screen_suggestions(office: User, round: Round) -> None:
    """The office sends the suggestions it took up to expert screening; the experts have done most of them."""
    waiting = [s.id for s in review_queries.suggestions_to_screen(round.id)]
    suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=waiting)
    for number, screening_row in enumerate(review_queries.suggestion_reviews_of_round(round.id)):
        if number % 4 == 3:
            continue  # still to screen
        score = 9 - (screening_row.suggestion_id + number) % 6
        suggestion_reviews.screen_suggestion(
            actor=screening_row.expert,
            screening=screening_row,
            score=score,
            comment="群众反映集中，具备改革条件。" if score >= 6 else "问题较具体，宜由职能部门日常工作解决。",
            worth_a_project=score >= 6,
        )


def _triage(office, users, suggestion, fate, heard, made):
    """Take a demo suggestion as far as its story says."""
    if fate == "received":
        return
    if fate == "rejected":
        suggestions.reject_suggestion(actor=office, suggestion=suggestion, reason=RejectReason.spam)
        return
    if fate == "duplicate":
        suggestions.mark_duplicate(actor=office, suggestion=suggestion, original=heard["企业开办全程网办"])
        return
    suggestions.accept_suggestion(actor=office, suggestion=suggestion)
    if fate == "referred":
        unit = users["unit.zhengwuban"].unit
        suggestions.refer_suggestion(
            actor=office, suggestion=suggestion, unit=unit, note="请研究能否纳入明年改革项目。"
        )
        suggestions.answer_referral(
            actor=users["unit.zhengwuban"], suggestion=suggestion, answer="可纳入“守信快批”改革一并推进。"
        )
        # The unit turns it into a proposal of its own, still a draft.
        proposals.draft_from_suggestion(actor=users["unit.zhengwuban"], suggestion=suggestion)
    elif fate == "adopted":
        suggestions.link_proposals(
            actor=office, suggestion=suggestion, proposal_ids=[made["推进“守信快批”当天发证"].id]
        )
        suggestions.decide_suggestion(
            actor=office,
            suggestion=suggestion,
            adopted=True,
            publish_reply=True,
            reply="感谢您的建议。已纳入“守信快批”改革，政务服务中心将试行周六上午开放。",
        )
        suggestions.set_public(actor=office, suggestion=suggestion, public=True)
    elif fate == "not_adopted":
        suggestions.decide_suggestion(
            actor=office,
            suggestion=suggestion,
            adopted=False,
            publish_reply=False,
            reply="园区通勤属公交线网规划事项，已转交通部门研究，暂不列入改革计划。",
        )
    elif fate == "public":
        suggestions.set_public(actor=office, suggestion=suggestion, public=True)
        for browser in ("demo-a", "demo-b", "demo-c"):
            suggestions.second_suggestion(suggestion=suggestion, browser_id=browser)


def _plan_longgang(round: Round, seed: LonggangSeed, users: dict[str, User]) -> None:
    """The office decides, the plan is drafted in the seed's order, approved, published, and reported on."""
    office = users["office"]
    key_titles = [p.title for p in seed.key_projects]
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    for proposal in review_queries.round_proposals(round.id):
        decision = Decision.selected if proposal.title in key_titles else Decision.not_selected
        screening.decide_proposal(actor=office, proposal=proposal, decision=decision)
    screening.publish_decisions(actor=office, round=round)
    solicitation.transition_round(actor=None, round=round, target=RoundStatus.planning)
    plan = plan_services.create_plan(actor=office, round=round)
    kept = key_projects.PROJECT_TEXT + ["category_id", "lead_unit_id"]
    for project in plan.projects:  # Longgang's plan is one list, numbered through: no parts
        fields = {name: getattr(project, name) for name in kept} | {"part_id": None}
        cooperating = [unit.id for unit in project.cooperating_units]
        key_projects.update_key_project(actor=office, project=project, fields=fields, cooperating_unit_ids=cooperating)
    for part in list(plan.parts):
        plan_parts.remove_plan_part(actor=office, part=part)
    for position, title in enumerate(key_titles, start=1):  # the seed's numbering, 一 to 十一
        project = next(p for p in plan.projects if p.title == title)
        key_projects.move_key_project(actor=office, project=project, to_position=position)
    for project in plan.projects:
        fields = {name: getattr(project, name) for name in kept}
        fields["lead_leader"] = stories.PLAN_LEADERS.get(project.number, stories.PLAN_LEADER_UNNAMED)
        account = stories.PLAN_LEADER_ACCOUNTS.get(project.number)
        fields["lead_leader_id"] = users[account].id if account else None
        key_projects.update_key_project(
            actor=office,
            project=project,
            fields=fields,
            cooperating_unit_ids=[unit.id for unit in project.cooperating_units],
            milestones=stories.MILESTONES,
        )
    # What heads and closes the office's official documents (the public pages keep the server's settings).
    accounts.update_site_settings(actor=office, district_name="", organiser="", contact="", **stories.DOCUMENTS)
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        plan_services.transition_plan(
            actor=office, plan=plan, target=target, meeting=stories.PLAN_MEETING, approved_on=round.plan_date
        )
    first = plan.projects[0]
    tasks = [
        plan_tasks.save_task(
            actor=office, project=first, title=title, weight=weight, owner_unit_id=first.lead_unit_id, due_quarter=due
        )
        for title, weight, due, _shares in stories.TASKS
    ]
    for project in plan.projects:
        author = _staff_of(users, project.lead_unit.name)
        for quarter, *figures in stories.PROGRESS:
            lagging = stories.LAGGING.get(project.title) if quarter == 2 else None
            percent, status, achievements, problems, next_steps = lagging or figures
            report = progress.save_report(
                actor=author,
                project=project,
                quarter=quarter,
                percent=percent,
                status=ProgressStatus(status),
                achievements=achievements,
                problems=problems,
                next_steps=next_steps,
                task_percents={task.id: row[3][quarter] for task, row in zip(tasks, stories.TASKS, strict=True)}
                if project is first
                else None,
                submit=True,
            )
            progress.review_report(actor=office, report=report, accept=True)


def load_demo(*, through_plan: bool = True) -> list[Round]:
    """Create the demo rounds and everything around them; a round already there is left as it is. Returns the
    Longgang 2017 round and the next round.

    The 2017 round goes on to its published plan and two quarters of progress, and Jinwan's 2023 round of
    published lists is loaded beside it; with `through_plan` off the 2017 round stays in its panel discussion, as
    the experts left it, and there is no Jinwan round.
    """
    seed = load_seed()
    users = _users(_units(seed))
    rounds = {round.year: round for round in db.session.scalars(select(Round))}
    history = rounds.get(seed.year) or _load_longgang(seed, users)
    if through_plan and history.status is RoundStatus.reviewing:
        _plan_longgang(history, seed, users)
    if through_plan and jinwan.YEAR not in rounds:
        jinwan.load_jinwan(password=DEMO_PASSWORD)
    upcoming = rounds.get(clock.today().year + 1) or _load_next_round(users)
    return [history, upcoming]


@click.group("demo", help="Demo data.")
def demo_cli():
    pass


@demo_cli.command("load")
def load():
    """Load the demo rounds (safe to run again) and print the demo logins."""
    load_demo()
    for round in db.session.scalars(select(Round).order_by(Round.year)):
        click.echo(f"Demo round: {round.title} ({round.status.value}).")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, name, role, _unit in stories.DEMO_USERS:
        click.echo(f"  {role:<11} {username:<16} {name}")
    username, name = jinwan.OFFICE
    click.echo(f"  {'office':<11} {username:<16} {name}: the Jinwan 2023 lists")
    click.echo("  Residents need no login: /suggest to send a suggestion, /track to follow one.")
