"""Benchmark: the office's working day (issue 20), counted in requests sent and pages drawn.

Builds through the services a round at the Longgang 2017 seed's scale (115 residents' suggestions as received,
108 submitted proposals with 324 reviews by 6 experts, in the office's decision stage with a cut line of 11) and a
published plan of 45 key projects (Jinwan 2023), each with a submitted quarterly report. Then logs in as the office
through the login page with Flask's test client and drives the real pages with the bulk actions, reading every id,
token and choice from the HTML it receives: triage, the decisions and their publication, accepting the reports and
the year-end assessment. For contrast, the one-at-a-time way on a sample (5 suggestions, 3 proposals, 3 reports
kept apart for it), measured the same way and scaled per record. A request is any HTTP request sent (a redirect
followed is one); a page is an HTML answer a person reads. Prints a table, then one JSON object as its last line.

    .venv/bin/python bench/working_day.py
"""

import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures import bench_app  # noqa: E402  (bench/fixtures.py)
from machine import report as machine_report  # noqa: E402  (bench/machine.py, beside this file)
from sqlalchemy import select  # noqa: E402

from core import clock  # noqa: E402
from extensions import db  # noqa: E402
from jobs.services import run_pending  # noqa: E402
from plan.models import KeyProject, PlanStatus, ProgressReport, ProgressStatus, ReportState  # noqa: E402
from plan.services import key_projects, plans, progress  # noqa: E402
from review.models import Decision, Recommendation, ReviewStage, Screening  # noqa: E402
from review.services import assignments, reviews, screening, stages  # noqa: E402
from search_index import services as search_index  # noqa: E402
from solicitation.models import Proposal, RoundStatus, Suggestion, SuggestionStatus  # noqa: E402
from solicitation.services.rounds import transition_round  # noqa: E402
from tests.factories import (  # noqa: E402  (records made through the services, as the tests make them)
    PASSWORD,
    make_criterion,
    make_open_round,
    make_proposal,
    make_suggestion,
    make_unit,
    make_user,
)

UNITS, PROPOSALS, EXPERTS, REVIEWS_EACH, CUT, PROJECTS = 42, 108, 6, 3, 11, 45
SPAM = 8  # titles carry 广告: found by a search
ORIGINALS, COPIES = 5, 2  # each original sent again twice, word for word
REFERRALS = {"交通": "区交通运输局", "住房": "区住房建设局", "教育": "区教育局"}  # keyword → unit, 4 each
LINKS = {"家庭医生": "创新家庭医生服务模式", "营商环境": "优化营商环境改革"}  # keyword → proposal, 3 each
# The words residents' texts are drawn from.
WORDS = (
    "道路",
    "停车",
    "学校",
    "医院",
    "社区",
    "公园",
    "路灯",
    "垃圾",
    "噪音",
    "绿化",
    "公交",
    "菜市场",
    "养老",
    "托育",
    "排水",
    "充电桩",
    "电梯",
    "物业",
    "消防",
    "图书馆",
    "健身",
    "楼道",
    "井盖",
    "围墙",
)
SAMPLE = "样本"  # the records the one-at-a-time sample takes, apart from the day's
SAMPLE_SUGGESTIONS, SAMPLE_PROPOSALS, SAMPLE_REPORTS = 5, 3, 3


# ---------------------------------------------------------------- the world, through the services


def build_world() -> dict:
    """The day's records (and the samples'), made as users make them; the names and ids the office starts from."""
    rng = random.Random(20)
    office = make_user(role="office", username="office.bench")
    units = [make_unit(name=name) for name in REFERRALS.values()]
    units += [make_unit(name=f"区直单位{n}") for n in range(UNITS - len(units))]
    staff = [make_user(role="unit_staff", unit=unit) for unit in units]
    experts = [make_user(role="expert") for _ in range(EXPERTS)]
    for expert in experts:  # 6 experts for 324 reviews: 57 proposals each, over the default load
        assignments.save_expert_profile(actor=office, expert=expert, institution="深圳大学", expertise="", max_load=60)
    round = make_open_round(actor=office)
    criterion = make_criterion(round=round, actor=office, weight=100)

    titles = list(LINKS.values()) + [f"改革项目{n}" for n in range(PROPOSALS - len(LINKS))]
    proposals = [
        make_proposal(round=round, author=staff[n % UNITS], submit=True, title=title) for n, title in enumerate(titles)
    ]
    # Scored lowest, so that deciding them one at a time leaves the top 11 and the cut line as they are.
    samples = [
        make_proposal(round=round, author=staff[n], submit=True, title=f"{SAMPLE}项目{n}")
        for n in range(SAMPLE_PROPOSALS)
    ]

    def words() -> str:
        """A text of its own, so that only the copies below are near-duplicates of one another."""
        return "".join(rng.choice(WORDS) for _ in range(12))

    suggestions = [(f"{SAMPLE}建议{n}", words()) for n in range(SAMPLE_SUGGESTIONS)]
    suggestions += [(f"广告{n}：代办证件，加微信", words()) for n in range(SPAM)]
    for n in range(ORIGINALS):
        suggestions += [(f"建议在{n}号路口增设红绿灯", words())] * (1 + COPIES)
    for keyword in [*REFERRALS, *LINKS]:
        suggestions += [
            (f"关于{keyword}的建议{n}", f"希望改进{keyword}工作：{words()}")
            for n in range(4 if keyword in REFERRALS else 3)
        ]
    left = 115 - (len(suggestions) - SAMPLE_SUGGESTIONS)
    suggestions += [(f"群众建议{n}", words()) for n in range(left)]
    for title, content in suggestions:
        make_suggestion(round=round, title=title, content=content)

    pairs = [
        (proposal, assignments.assign_expert(actor=office, expert=experts[(n + step) % EXPERTS], proposal=proposal))
        for n, proposal in enumerate([*proposals, *samples])
        for step in range(REVIEWS_EACH)
    ]
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    assignments.publish_assignments(actor=office, round=round)
    for proposal, assignment in pairs:
        value = 1 if proposal in samples else rng.randint(3, 10)
        expert = assignment.expert
        reviews.save_review(
            actor=expert,
            assignment=assignment,
            scores={criterion.id: (value, "")},
            comment="",
            recommendation=Recommendation.recommend,
            familiarity=None,
        )
        reviews.submit_review(actor=expert, assignment=assignment)
    for stage in (ReviewStage.discussion, ReviewStage.decision):
        stages.move_stage(actor=office, round=round, stage=stage)
    screening.set_cut_line(actor=office, round=round, cut_line=CUT, cut_percent=None)

    plan_round = make_open_round(actor=office)
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        transition_round(actor=office, round=plan_round, target=status)
    plan = plans.create_plan(actor=office, round=plan_round)
    for n in range(PROJECTS + SAMPLE_REPORTS):
        title = f"重点改革项目{n}" if n < PROJECTS else f"{SAMPLE}重点项目{n}"
        fields = {"title": title, "lead_leader": "高自民", "lead_unit_id": units[n % UNITS].id}
        key_projects.add_key_project(actor=office, plan=plan, fields=fields)
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        plans.transition_plan(actor=office, plan=plan, target=target, meeting="第十三次会议", approved_on=clock.today())
    for project in plan.projects:
        progress.save_report(
            actor=staff[units.index(project.lead_unit)],
            project=project,
            quarter=1,
            percent=25,
            status=ProgressStatus.on_track,
            achievements="完成方案制定",
            submit=True,
        )
    # What the worker and the operator do behind the pages: the near-duplicate groups found, the search index (which
    # the list's search box reads) built, as `flask search rebuild` does when the site is served.
    while sum(run_pending().values()):
        pass
    search_index.rebuild()
    return {"office": office.username, "round_id": round.id, "plan_id": plan.id}


# ---------------------------------------------------------------- reading pages


class Page(HTMLParser):
    """The forms of a page (with the fields a browser would send), its links and their texts."""

    def __init__(self, html: str, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url  # where a form without an action is sent
        self.forms, self.links, self._form, self._select, self._textarea, self._link = [], [], None, None, None, None
        self._by_id, self._owned = {}, []
        self.feed(html)
        for form_id, field in self._owned:  # inputs outside their form, tied to it by form="…"
            self._by_id[form_id]["fields"].append(field)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action") or self.url, "method": a.get("method", "get").lower(), "fields": []}
            self._form["buttons"] = []
            self.forms.append(self._form)
            if a.get("id"):
                self._by_id[a["id"]] = self._form
        elif tag == "input" and "name" in a:
            field = {"name": a["name"], "type": a.get("type", "text"), "value": a.get("value", "")}
            field["checked"] = "checked" in a
            if field["type"] == "submit":
                self._button(a)
            elif "form" in a:
                self._owned.append((a["form"], field))
            elif self._form is not None:
                self._form["fields"].append(field)
        elif tag == "button" and self._form is not None:
            self._button(a)
        elif tag == "select" and self._form is not None:
            self._select = {"name": a.get("name", ""), "type": "select", "value": "", "options": []}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append([a.get("value", ""), ""])
            if "selected" in a:
                self._select["value"] = a.get("value", "")
        elif tag == "textarea" and self._form is not None:
            self._textarea = {"name": a.get("name", ""), "type": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)
        elif tag == "a" and "href" in a:
            self._link = [a["href"], "", a.get("rel", "")]
            self.links.append(self._link)

    def _button(self, a):
        self._form["buttons"].append({"name": a.get("name"), "value": a.get("value", ""), "to": a.get("formaction")})

    def handle_data(self, data):
        if self._select is not None and self._select["options"]:
            self._select["options"][-1][1] += data
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._link is not None:
            self._link[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "a":
            self._link = None

    def form(self, action_pattern: str) -> dict:
        """The form whose action (or one of whose buttons' formaction) matches."""
        for form in self.forms:
            targets = [form["action"]] + [b["to"] for b in form["buttons"] if b["to"]]
            if any(re.search(action_pattern, t) for t in targets):
                return form
        raise AssertionError(f"no form for {action_pattern}")

    def checkboxes(self, form: dict, name: str) -> list[str]:
        return [f["value"] for f in form["fields"] if f["name"] == name and f["type"] == "checkbox"]

    def option(self, form: dict, name: str, text: str) -> str:
        """The value of the option of select `name` whose label holds `text`."""
        select_ = next(f for f in form["fields"] if f["name"] == name and f["type"] == "select")
        return next(value for value, label in select_["options"] if text in label and value)


def fill(form: dict, *, tick: dict | None = None, values: dict | None = None, button: str | None = None):
    """What a browser sends for `form`: its fields as they are, boxes ticked by `tick` (name → values), `values`
    typed in, and the button whose formaction matches `button` (else the first). Returns (url, method, data)."""
    tick, values = tick or {}, values or {}
    data = defaultdict(list)
    for field in form["fields"]:
        name = field["name"]
        if name in values:
            continue
        if field["type"] in ("checkbox", "radio"):
            if field["checked"] or field["value"] in tick.get(name, ()):
                data[name].append(field["value"])
        else:
            data[name].append(field["value"])
    for name, value in values.items():
        data[name] = value if isinstance(value, list) else [value]
    chosen = form["buttons"][0] if form["buttons"] else {"name": None, "to": None}
    if button:
        chosen = next(b for b in form["buttons"] if (b["to"] and re.search(button, b["to"])) or b["value"] == button)
    if chosen["name"]:
        data[chosen["name"]].append(chosen["value"])
    return (chosen["to"] or form["action"]), form["method"], dict(data)


class Office:
    """The office's browser: counts, per task, the requests it sends and the pages it draws."""

    def __init__(self, app):
        self.client, self.task = app.test_client(), "login"
        self.requests, self.pages = defaultdict(int), defaultdict(int)

    def send(self, method: str, url: str, data=None) -> tuple[Page, str]:
        while True:
            self.requests[self.task] += 1
            response = self.client.open(url, method=method.upper(), data=data)
            if response.status_code in (301, 302, 303):
                url, method, data = response.headers["Location"], "GET", None
                continue
            html = response.get_data(as_text=True)
            assert response.status_code == 200, f"{method} {url}: {response.status_code}\n{html[:3000]}"
            self.pages[self.task] += 1
            return Page(html, url), html

    def get(self, url: str) -> tuple[Page, str]:
        return self.send("GET", url)

    def submit(self, form: dict, **how) -> tuple[Page, str]:
        url, method, data = fill(form, **how)
        if method == "get":
            query = urlencode([(name, value) for name, values in data.items() for value in values])
            return self.send("GET", f"{url}{'&' if '?' in url else '?'}{query}")
        return self.send("POST", url, data)


def ids_linked(page: Page, pattern: str) -> list[tuple[int, str]]:
    """(id, link text) of the links matching `pattern` (one group: the id), in page order, once each."""
    seen, found = set(), []
    for href, text, _rel in page.links:
        match = re.fullmatch(pattern, href.split("?")[0])
        if match and int(match[1]) not in seen:
            seen.add(int(match[1]))
            found.append((int(match[1]), text.strip()))
    return found


def next_page(page: Page) -> str | None:
    return next((href for href, _text, rel in page.links if rel == "next"), None)


# ---------------------------------------------------------------- the office's day, the bulk way


def triage(office: Office, round_id: int) -> None:
    base = f"/rounds/{round_id}/suggestions"

    def bulk(query: dict, values: dict, tick: list[str] | None = None, pick: tuple[str, str] | None = None):
        """Filter the list by `query`, choose (the boxes `tick`, else all matching), fill in `values` and the
        option of `pick` (field, label) read from the list's form, preview, confirm: the summary must say it
        changed as many as the preview said it would."""
        page, _ = office.get(f"{base}?{urlencode(query)}")
        form = page.form(r"/suggestions/bulk$|/suggestions/bulk\?")
        if pick:
            values = {**values, pick[0]: page.option(form, *pick)}
        if tick is None:
            values = {"all_matching": "y", **values}
        confirm(*fill(form, tick={"suggestion_id": tick or []}, values=values, button=r"/bulk\b"))

    def confirm(url, _method, data):
        """Send the bulk form, read the preview, confirm: the summary must say it changed as many as the preview
        said it would."""
        preview, text = office.send("POST", url, data)
        to_change = re.search(r"将变更 (\d+) 条建议", text)[1]
        _summary, text = office.submit(preview.form(r"/bulk/apply"))
        assert to_change != "0" and f"已变更 {to_change} 条建议" in text, text[:2000]

    # Spam: one search, all matching, one reason.
    bulk({"q": "广告", "status": "received"}, {"action": "reject", "reason": "spam"})
    # Near-duplicates: the page grouping suggestions sent more than once, each group's copies merged into its
    # original from the group's own button.
    page, _ = office.get(f"{base}/near-duplicates")
    groups = [form for form in page.forms if re.search(r"/suggestions/bulk$", form["action"])]
    assert len(groups) == ORIGINALS, f"{len(groups)} near-duplicate groups"
    for form in groups:
        confirm(*fill(form))
    # Accept every other one still received.
    bulk({"status": "received"}, {"action": "accept"})
    # Refer each unit's by a search; link each proposal's.
    for keyword, unit in REFERRALS.items():
        bulk({"q": keyword, "status": "accepted"}, {"action": "refer", "note": "请研究办理"}, pick=("unit_id", unit))
    for keyword, title in LINKS.items():
        bulk({"q": keyword, "status": "accepted"}, {"action": "link"}, pick=("proposal_id", title))


def decide(office: Office, round_id: int) -> None:
    ranking = f"/rounds/{round_id}/ranking"
    page, _ = office.get(ranking)
    form = page.form(r"/decisions/bulk")
    top = page.checkboxes(form, "proposal_ids")[:CUT]
    values = {"action": "selected", "reason": "得分在分数线以上，列入年度计划"}
    confirm, _ = office.submit(form, tick={"proposal_ids": top}, values=values, button="chosen")
    done, _ = office.submit(confirm.form(r"/decisions/bulk"))
    assert len(ids_linked(done, r"/proposals/(\d+)/reviews")) == CUT
    page, _ = office.get(ranking)
    form = page.form(r"/decisions/bulk")
    confirm, _ = office.submit(form, values={"reason": "得分在分数线以下"}, button="below_cut")
    done, _ = office.submit(confirm.form(r"/decisions/bulk"))
    assert len(ids_linked(done, r"/proposals/(\d+)/reviews")) == PROPOSALS - CUT  # the samples decided before
    page, _ = office.get(ranking)
    office.submit(page.form(r"/decisions/publish"))


def accept_reports(office: Office, plan_id: int) -> None:
    page, _ = office.get(f"/plans/{plan_id}/progress?quarter=1")
    form = page.form(r"/progress/accept")
    chosen = page.checkboxes(form, "report_id")
    assert len(chosen) == PROJECTS  # the samples accepted before
    confirm, _ = office.submit(form, tick={"report_id": chosen})
    _done, text = office.submit(confirm.form(r"/progress/accept"))
    assert f"已采纳 {len(chosen)} 份报告" in text, text[:2000]


def assess(office: Office, plan_id: int) -> None:
    page, _ = office.get(f"/plans/{plan_id}/assessment")
    form = page.form(r"/assessment$")
    rows = [f["name"][: -len("-rating")] for f in form["fields"] if f["name"].endswith("-rating")]
    ratings = ["excellent", "good", "fair"]
    values = {}
    for n, row in enumerate(rows[:PROJECTS]):  # the table lists the plan's projects in order; the samples last
        values[f"{row}-rating"] = ratings[n % 3]
        values[f"{row}-evaluation"] = "按期完成年度目标"
    url, _method, data = fill(form, values=values)
    _page, text = office.send("POST", url, data)
    assert f"已记录 {PROJECTS} 个项目的考核" in text, text[:2000]


# ---------------------------------------------------------------- one at a time, the old way, on the samples


def one_by_one(office: Office, round_id: int, plan_id: int) -> None:
    office.task = "triage_old_list"
    page, _ = office.get(f"/rounds/{round_id}/suggestions?{urlencode({'q': SAMPLE})}")
    office.task = "triage_old"
    for id_, _title in ids_linked(page, r"/suggestions/(\d+)"):
        detail, _ = office.get(f"/suggestions/{id_}")
        office.submit(detail.form(rf"/suggestions/{id_}/accept"))

    office.task = "decision_old_list"
    url, found = f"/rounds/{round_id}/ranking", []
    while url:  # the samples ranked last: the office pages to the end
        page, _ = office.get(url)
        found += [i for i, text in ids_linked(page, r"/proposals/(\d+)/reviews") if SAMPLE in text]
        url = next_page(page)
    office.task = "decision_old"
    for id_ in found:
        detail, _ = office.get(f"/proposals/{id_}/reviews")
        office.submit(
            detail.form(rf"/proposals/{id_}/decision"), values={"decision": "not_selected", "reason": "得分较低"}
        )

    office.task = "report_old_list"
    page, _ = office.get(f"/plans/{plan_id}/progress?quarter=1")
    office.task = "report_old"
    for id_, _text in ids_linked(page, r"/progress-reports/(\d+)")[-SAMPLE_REPORTS:]:
        detail, _ = office.get(f"/progress-reports/{id_}")
        office.submit(detail.form(rf"/progress-reports/{id_}/review"))  # the first: 采纳


# ---------------------------------------------------------------- the run


def read_back(round_id: int, plan_id: int) -> dict:
    """What the day left in the records (the samples apart)."""
    db.session.expire_all()
    day = select(Suggestion).where(Suggestion.round_id == round_id, ~Suggestion.title.startswith(SAMPLE))
    statuses = [s.status for s in db.session.scalars(day)]
    decided = select(Screening).join(Screening.proposal).where(Proposal.round_id == round_id)
    decided = [s for s in db.session.scalars(decided) if s.decision and not s.proposal.title.startswith(SAMPLE)]
    projects = select(KeyProject).where(KeyProject.plan_id == plan_id, ~KeyProject.title.startswith(SAMPLE))
    projects = list(db.session.scalars(projects))
    reports = select(ProgressReport).where(ProgressReport.key_project_id.in_([p.id for p in projects]))
    return {
        "suggestions": len(statuses),
        "triaged": sum(s is not SuggestionStatus.received for s in statuses),
        "by_status": {s.value: statuses.count(s) for s in sorted(set(statuses), key=lambda s: s.value)},
        "linked": sum(len(s.proposals) for s in db.session.scalars(day)),
        "decided": len(decided),
        "selected": sum(s.decision is Decision.selected for s in decided),
        "published": sum(s.published_at is not None for s in decided),
        "reports_accepted": sum(r.state is ReportState.accepted for r in db.session.scalars(reports)),
        "assessed": sum(p.rating is not None for p in projects),
    }


def main() -> None:
    loop = machine_report()
    instance = tempfile.mkdtemp(prefix="bench-day-")
    app = bench_app(None, instance)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        world = build_world()
        print(f"world built through the services in {time.perf_counter() - started:.1f} s", flush=True)
        office = Office(app)
        login, _ = office.get("/login")
        office.submit(login.form(r"/login"), values={"username": world["office"], "password": PASSWORD})
        one_by_one(office, world["round_id"], world["plan_id"])
        for task, act in (
            ("triage", lambda: triage(office, world["round_id"])),
            ("decision", lambda: decide(office, world["round_id"])),
            ("report", lambda: accept_reports(office, world["plan_id"])),
            ("assessment", lambda: assess(office, world["plan_id"])),
        ):
            office.task = task
            act()
        state = read_back(world["round_id"], world["plan_id"])
    print("read back:", json.dumps(state, ensure_ascii=False))
    expected = {"triaged": 115, "decided": PROPOSALS, "selected": CUT, "published": PROPOSALS}
    expected |= {"reports_accepted": PROJECTS, "assessed": PROJECTS}
    assert {key: state[key] for key in expected} == expected, state
    records = {"triage": 115, "decision": PROPOSALS, "report": PROJECTS, "assessment": PROJECTS}
    samples = {"triage": SAMPLE_SUGGESTIONS, "decision": SAMPLE_PROPOSALS, "report": SAMPLE_REPORTS}
    requests, pages = office.requests, office.pages

    def scaled(counts, task):
        """The old way at full size: the list read once to find the records, then each record as the sample's."""
        return round(counts[f"{task}_old_list"] + counts[f"{task}_old"] * records[task] / samples[task])

    print(f"\n{'task':<11}{'records':>8}{'requests':>9}{'pages':>6}{'req/rec':>8}   the old way, one at a time")
    for task, n in records.items():
        line = f"{task:<11}{n:>8}{requests[task]:>9}{pages[task]:>6}{requests[task] / n:>8.2f}   "
        if task in samples:
            old, listed = f"{task}_old", f"{task}_old_list"
            line += (
                f"measured on {samples[task]}: {requests[listed]}+{requests[old]} req, {pages[listed]}+{pages[old]}"
                f" pages (list+records); scaled to {n}: {scaled(requests, task)} req, {scaled(pages, task)} pages"
            )
        else:
            line += "no one-at-a-time page"
        print(line)
    print(f"all measured but the scaled figures; logging in (apart from the tasks): {requests['login']} requests")
    result = {f"{task}_{what}": getattr(office, what)[task] for task in records for what in ("requests", "pages")}
    result |= {f"{task}_old_requests_scaled": scaled(requests, task) for task in samples}
    result |= {f"{task}_old_pages_scaled": scaled(pages, task) for task in samples}
    print(json.dumps(result | {"machine_loop_s": loop}))


if __name__ == "__main__":
    main()
