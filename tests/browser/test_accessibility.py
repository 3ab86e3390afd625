"""axe-core audits every page a reader can reach, as each role, with no serious or critical violation.

The demo (both Longgang rounds: a published plan with progress, a round soliciting with suggestions in every
state, grouped into themes) is loaded once; each role then starts from the home page and a few chosen addresses
and follows every link of the site, auditing the first page of each view it reaches (downloads and exports left
out). Each test
also checks that its role reached the views with forms it is meant to see, so that none is missed silently.
"""

from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from accounts.models import User
from demo.cli import DEMO_PASSWORD, load_demo
from extensions import db
from plan.models import Plan, PlanStatus
from plan.services import plans as plan_services
from solicitation.models import Suggestion, SuggestionStatus
from solicitation.services.themes import compute_themes
from tests.browser.conftest import log_in
from tests.conftest import empty_database

BLOCKING = {"serious", "critical"}
# Views that answer with a file, or change something on a GET: not pages to audit.
NOT_PAGES = {
    "accounts.account_import_template",
    "core.set_language",
    "plan.bulletin_document",
    "plan.plan_document",
    "plan.plan_public_document",
    "plan.plan_summary",
    "plan.progress_file",
    "plan.progress_import_template",
    "review.assignment_import_template",
    "review.field_visit_file",
    "solicitation.attachment_download",
    "solicitation.suggestion_import_template",
    "static",
}
PUBLIC = {
    "core.index",
    "solicitation.suggest",
    "solicitation.track",
    "solicitation.heard",
    "plan.plan_index",
    "plan.plan_public",
    "search_index.search",
    "accounts.login",
}


@pytest.fixture(autouse=True)
def _context(app):
    """The audits only read: they share the demo, loaded once for the module (this replaces the cleaning)."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture(scope="module")
def demo(app):
    """The demo, with the 2017 plan's second version submitted for approval (the approval form shows);
    returns the addresses each reader starts from besides the home page."""
    with app.app_context():
        history, upcoming = load_demo()
        compute_themes(round_id=upcoming.id)  # the themes pages, with themes
        office = db.session.scalar(select(User).where(User.username == "office"))
        plan = db.session.scalar(select(Plan).where(Plan.round_id == history.id))
        for target in (PlanStatus.draft, PlanStatus.submitted_for_review):
            plan_services.transition_plan(actor=office, plan=plan, target=target)
        received = db.session.scalar(select(Suggestion).where(Suggestion.status == SuggestionStatus.received))
        adopted = db.session.scalar(select(Suggestion).where(Suggestion.status == SuggestionStatus.adopted))
        starts = {
            "public": [f"/track?code={adopted.tracking_code}", "/search?q=改革", "/no-such-page", "/logout"],
            "office": [
                f"/rounds/{history.id}/plan",
                f"/suggestions/{received.id}",
                f"/key-projects/{plan.projects[0].id}/edit",
                f"/plans/{plan.id}/projects/new",
                f"/rounds/{history.id}/assignments/auto",
                f"/plans/{plan.id}/compare",
                f"/rounds/{upcoming.id}/criteria",  # not frozen yet: each criterion has its form
            ],
            "unit": ["/admin/users"],  # refused: the 403 page
        }
        yield starts
        empty_database()


def endpoint_of(app, site: str, url: str) -> str | None:
    """The view that serves an address of the site, or None for another site's address."""
    parts = urlsplit(url)
    if parts.netloc != urlsplit(site).netloc:
        return None
    try:
        endpoint, _ = app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException as error:
        return f"error {error.code}"  # an address that does not exist, or a view that takes no GET
    return endpoint


def audit(page, axe) -> list[str]:
    """Run axe-core on the page; the blocking violations, one line a node (rule, target, help)."""
    page.add_script_tag(path=axe)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}: "
        f"{violation['help']} — {violation['helpUrl']}"
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def crawl(app, page, axe, site: str, starts: list[str]) -> tuple[set[str], dict[str, list[str]]]:
    """Audit the first page of each view reachable from `starts` by links; returns (views, problems by page)."""
    queue, audited, problems = [urljoin(site, start) for start in starts], set(), {}
    while queue:
        url = queue.pop(0)
        endpoint = endpoint_of(app, site, url)
        if endpoint is None or endpoint in audited or endpoint in NOT_PAGES or endpoint.startswith("api."):
            continue
        if "export=" in url:
            continue
        audited.add(endpoint)
        page.goto(url)
        if found := audit(page, axe):
            problems[f"{endpoint} {urlsplit(page.url).path}"] = found
        queue.extend(page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)"))
    return audited, problems


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())


@pytest.mark.parametrize(
    ("language", "viewport"), [("zh", "desktop"), ("en", "desktop"), ("zh", "phone")], ids=["zh", "en", "zh-phone"]
)
def test_public_pages_have_no_serious_accessibility_violation(
    app, open_tab, live_server, axe, demo, language, viewport
):
    page = open_tab(viewport, bypass_csp=True)  # axe is injected as a script of the page
    if language == "en":
        page.goto("/language/en?next=/")
    audited, problems = crawl(app, page, axe, live_server, ["/", *demo["public"]])
    assert page.locator("html").get_attribute("lang") == ("en" if language == "en" else "zh-CN")
    assert PUBLIC | {"error 404", "error 405"} <= audited
    assert not problems, report(problems)


# The views with forms (or a page of their own) that each role must have reached and audited.
STAFF = {
    "office": (
        "office",
        {
            "accounts.audit_log",
            "accounts.change_password",
            "accounts.unit_form",
            "accounts.unit_list",
            "accounts.user_create",
            "accounts.user_edit",
            "accounts.user_list",
            "dashboard.round_dashboard",
            "plan.bulletin",
            "plan.key_project_edit",
            "plan.key_project_new",
            "plan.key_project_tasks",
            "plan.plan_assessment",
            "plan.plan_compare",
            "plan.plan_detail",
            "plan.plan_progress",
            "plan.progress_import",
            "plan.progress_report",
            "plan.task_edit",
            "review.assignment_auto_preview",
            "review.assignment_board",
            "review.assignment_import",
            "review.criteria_list",
            "review.criterion_edit",
            "review.expert_profile",
            "review.proposal_reviews",
            "review.ranking",
            "review.review_progress",
            "review.suggestion_screening",
            "search_index.terms",
            "solicitation.category_edit",
            "solicitation.proposal_detail",
            "solicitation.proposal_list",
            "solicitation.round_create",
            "solicitation.round_detail",
            "solicitation.round_edit",
            "solicitation.suggestion_create",
            "solicitation.suggestion_detail",
            "solicitation.suggestion_import",
            "solicitation.suggestion_list",
            "solicitation.theme_detail",
            "solicitation.theme_list",
        },
    ),
    "unit": (
        "unit.zhengwuban",
        {
            "accounts.user_list",  # the 403 page
            "solicitation.proposal_create",
            "solicitation.proposal_edit",
            "solicitation.referral_list",
            "solicitation.suggestion_detail",  # the answer to a referral
        },
    ),
    "lead-unit": (
        "unit.fagaiju",
        {"plan.my_progress", "plan.progress_form", "plan.key_project_tasks", "plan.task_edit"},
    ),
    "expert": ("expert.liu", {"review.my_reviews", "review.review_form", "review.suggestion_review_form"}),
    "leader": ("leader.gao", {"dashboard.round_dashboard", "plan.plan_detail"}),
}


@pytest.mark.parametrize("role", list(STAFF))
def test_staff_pages_and_forms_have_no_serious_accessibility_violation(app, open_tab, live_server, axe, demo, role):
    username, expected = STAFF[role]
    page = open_tab("desktop", bypass_csp=True)
    log_in(page, username, DEMO_PASSWORD)
    audited, problems = crawl(app, page, axe, live_server, ["/", *demo.get(role, [])])
    assert expected <= audited, f"not reached: {sorted(expected - audited)}"
    assert not problems, report(problems)


def test_the_audit_finds_a_field_without_a_label_and_text_too_faint(open_tab, axe):
    page = open_tab("desktop", bypass_csp=True)
    page.goto("/no-such-page")
    page.set_content(
        '<html lang="zh-CN"><head><title>测试</title></head><body><main><h1>测试</h1>'
        '<input type="text" name="x"><p style="color:#ccc">看不清的字</p></main></body></html>'
    )
    found = audit(page, axe)
    assert any(line.startswith("label (critical)") for line in found), found
    assert any(line.startswith("color-contrast (serious)") for line in found), found


def test_the_page_of_an_expired_form_has_no_serious_accessibility_violation(open_tab, live_server, axe, demo):
    page = open_tab("phone", bypass_csp=True)
    page.goto("/suggest")
    page.fill("#title", "建议增设社区长者饭堂")
    page.fill("#content", "社区老人就餐不便，建议每个社区设长者饭堂。")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach((input) => { input.value = 'old'; })")
    page.click("form.stack button[type=submit]")
    assert page.locator("h1").inner_text().startswith("页面已过期")
    assert page.locator("textarea.typed").nth(1).input_value() == "社区老人就餐不便，建议每个社区设长者饭堂。"
    assert not (problems := audit(page, axe)), "\n".join(problems)
