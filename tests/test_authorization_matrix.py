"""Every route of the application × every role, with the answer each role gets.

The routes come from the URL map, so a new route without a line in MATRIX_TABLE fails a test that names it.
The tests share one world, built once: but for its caller's login, each test checks that its requests left the
world as they found it.
"""

import pytest
from flask import url_for
from sqlalchemy import select

from extensions import db
from tests.world import ROLES, Caller, routes

pytestmark = pytest.mark.shared_world

# What each gets: ok (2xx, or a redirect elsewhere than the login page), login (sent to log in), or the refusal's
# status code. A submitted proposal is read-only to its unit too: editing, submitting and files answer 403 to all.
# Allowed POSTs are left to the features' own tests; every refused one is sent and must change nothing.
MATRIX_TABLE = """
                                             anon    track   unit_a  unit_b  exp_in  exp_out leader  office
GET  accounts.account_import                 login   login   403     403     403     403     403     ok
GET  accounts.account_import_template        login   login   403     403     403     403     403     ok
GET  accounts.api_token_create               login   login   403     403     403     403     403     ok
GET  accounts.api_token_list                 login   login   403     403     403     403     403     ok
GET  accounts.audit_log                      login   login   403     403     403     403     403     ok
GET  accounts.change_password                login   login   ok      ok      ok      ok      ok      ok
GET  accounts.emblem                         ok      ok      ok      ok      ok      ok      ok      ok
GET  accounts.login                          ok      ok      ok      ok      ok      ok      ok      ok
GET  accounts.set_password                   404     404     404     404     404     404     404     404
GET  accounts.site_settings                  login   login   403     403     403     403     403     ok
GET  accounts.unit_form                      login   login   403     403     403     403     403     ok
GET  accounts.unit_list                      login   login   403     403     403     403     403     ok
GET  accounts.undelivered_mail_list          login   login   403     403     403     403     403     ok
GET  accounts.user_create                    login   login   403     403     403     403     403     ok
GET  accounts.user_edit                      login   login   403     403     403     403     403     ok
GET  accounts.user_list                      login   login   403     403     403     403     403     ok
GET  api.openapi                             ok      ok      ok      ok      ok      ok      ok      ok
GET  api.search                              ok      ok      ok      ok      ok      ok      ok      ok
GET  api.suggestion_list                     401     401     403     403     403     403     403     ok
GET  api.suggestion_lookup                   ok      ok      ok      ok      ok      ok      ok      ok
GET  core.index                              ok      ok      ok      ok      ok      ok      ok      ok
GET  core.set_language                       ok      ok      ok      ok      ok      ok      ok      ok
GET  dashboard.dashboard_index               login   login   403     403     403     403     ok      ok
GET  dashboard.round_dashboard               login   login   403     403     403     403     ok      ok
GET  health.health                           ok      ok      ok      ok      ok      ok      ok      ok
GET  jobs.job_detail                         login   login   403     403     403     403     403     ok
GET  jobs.job_download                       login   login   403     403     403     403     403     ok
GET  jobs.job_list                           login   login   403     403     403     403     403     ok
GET  plan.battle_map                         login   login   403     403     403     403     ok      ok
GET  plan.bulletin                           login   login   403     403     403     403     ok      ok
GET  plan.bulletin_pdf                       login   login   403     403     403     403     404     404
GET  plan.bulletin_document                  login   login   403     403     403     403     ok      ok
GET  plan.key_project_edit                   login   login   403     403     403     403     403     ok
GET  plan.key_project_new                    login   login   403     403     403     403     403     ok
GET  plan.key_projects_import                 login   login   403     403     403     403     403     ok
GET  plan.key_projects_import_template        login   login   403     403     403     403     403     ok
GET  plan.key_project_tasks                  login   login   ok      403     403     403     ok      ok
GET  plan.led_projects                      login   login   403     403     403     403     ok      403
GET  plan.my_progress                        login   login   ok      ok      403     403     403     403
GET  plan.plan_assessment                    login   login   403     403     403     403     ok      ok
GET  plan.plan_compare                       login   login   403     403     403     403     ok      ok
GET  plan.plan_detail                        login   login   403     403     403     403     ok      ok
GET  plan.plan_document                      login   login   403     403     403     403     ok      ok
GET  plan.plan_index                         ok      ok      ok      ok      ok      ok      ok      ok
GET  plan.plan_print                         login   login   403     403     403     403     ok      ok
GET  plan.plan_progress                      login   login   403     403     403     403     ok      ok
GET  plan.plan_public                        ok      ok      ok      ok      ok      ok      ok      ok
GET  plan.plan_public_document               ok      ok      ok      ok      ok      ok      ok      ok
GET  plan.plan_public_pdf                    ok      ok      ok      ok      ok      ok      ok      ok
GET  plan.plan_summary                       login   login   403     403     403     403     ok      ok
GET  plan.progress_accept_confirm            login   login   403     403     403     403     403     ok
GET  plan.progress_file                      login   login   ok      403     403     403     ok      ok
GET  plan.progress_form                      login   login   ok      403     403     403     403     403
GET  plan.progress_import                    login   login   403     403     403     403     403     ok
GET  plan.progress_import_template           login   login   403     403     403     403     403     ok
GET  plan.progress_report                    login   login   ok      403     403     403     ok      ok
GET  plan.task_edit                          login   login   ok      403     403     403     403     ok
GET  review.assignment_auto_preview          login   login   403     403     403     403     403     ok
GET  review.assignment_board                 login   login   403     403     403     403     403     ok
GET  review.assignment_import                login   login   403     403     403     403     403     ok
GET  review.assignment_import_template       login   login   403     403     403     403     403     ok
GET  review.criteria_list                    login   login   ok      ok      ok      ok      ok      ok
GET  review.criterion_edit                   login   login   403     403     403     403     403     ok
GET  review.expert_profile                   login   login   403     403     403     403     403     ok
GET  review.field_visit_file                 login   login   403     403     ok      403     403     ok
GET  review.my_reviews                       login   login   403     403     ok      ok      403     403
GET  review.proposal_reviews                 login   login   403     403     403     403     403     ok
GET  review.ranking                          login   login   403     403     403     403     403     ok
GET  review.review_form                      login   login   403     403     ok      403     403     403
GET  review.review_progress                  login   login   403     403     403     403     403     ok
GET  review.suggestion_review_form           login   login   403     403     ok      403     403     403
GET  review.suggestion_screening             login   login   403     403     403     403     403     ok
GET  search_index.search                     ok      ok      ok      ok      ok      ok      ok      ok
GET  search_index.similar                    ok      ok      ok      ok      ok      ok      ok      ok
GET  search_index.terms                      login   login   403     403     403     403     403     ok
GET  solicitation.attachment_download        login   login   ok      403     403     403     403     ok
GET  solicitation.category_edit              login   login   403     403     403     403     403     ok
GET  solicitation.heard                      ok      ok      ok      ok      ok      ok      ok      ok
GET  solicitation.proposal_create            login   login   ok      ok      403     403     403     403
GET  solicitation.proposal_detail            login   login   ok      403     403     403     403     ok
GET  solicitation.proposal_edit              login   login   403     403     403     403     403     403
GET  solicitation.proposal_list              login   login   ok      ok      403     403     403     ok
GET  solicitation.proposal_record            login   login   403     403     403     403     403     ok
GET  solicitation.referral_list              login   login   ok      ok      403     403     403     403
GET  solicitation.round_create               login   login   403     403     403     403     403     ok
GET  solicitation.round_detail               login   login   ok      ok      ok      ok      ok      ok
GET  solicitation.round_edit                 login   login   403     403     403     403     403     ok
GET  solicitation.round_list                 login   login   ok      ok      ok      ok      ok      ok
GET  solicitation.round_transition           login   login   403     403     403     403     403     ok
GET  solicitation.suggest                    ok      ok      ok      ok      ok      ok      ok      ok
GET  solicitation.suggestion_create          login   login   403     403     403     403     403     ok
GET  solicitation.suggestion_detail          login   login   ok      403     403     403     403     ok
GET  solicitation.suggestion_import          login   login   403     403     403     403     403     ok
GET  solicitation.suggestion_import_template login   login   403     403     403     403     403     ok
GET  solicitation.suggestion_list            login   login   403     403     403     403     403     ok
GET  solicitation.near_duplicates            login   login   403     403     403     403     403     ok
GET  solicitation.theme_detail               login   login   403     403     403     403     403     ok
GET  solicitation.theme_list                 login   login   403     403     403     403     403     ok
GET  solicitation.topic_create               login   login   403     403     403     403     403     ok
GET  solicitation.topic_detail               login   login   403     403     403     403     403     ok
GET  solicitation.topic_edit                 login   login   403     403     403     403     403     ok
GET  solicitation.topic_list                 login   login   403     403     403     403     403     ok
GET  solicitation.track                      ok      ok      ok      ok      ok      ok      ok      ok
POST accounts.account_import                 login   login   403     403     403     403     403     ok
POST accounts.api_token_create               login   login   403     403     403     403     403     ok
POST accounts.api_token_revoke               login   login   403     403     403     403     403     ok
POST accounts.change_password                login   login   ok      ok      ok      ok      ok      ok
POST accounts.login                          ok      ok      ok      ok      ok      ok      ok      ok
POST accounts.logout                         ok      ok      ok      ok      ok      ok      ok      ok
POST accounts.set_password                   404     404     404     404     404     404     404     404
POST accounts.site_settings                  login   login   403     403     403     403     403     ok
POST accounts.todo_digest                    login   login   ok      ok      ok      ok      ok      ok
POST accounts.unit_form                      login   login   403     403     403     403     403     ok
POST accounts.unit_set_active                login   login   403     403     403     403     403     ok
POST accounts.user_create                    login   login   403     403     403     403     403     ok
POST accounts.user_edit                      login   login   403     403     403     403     403     ok
POST accounts.user_reset_password            login   login   403     403     403     403     403     ok
POST accounts.user_set_active                login   login   403     403     403     403     403     ok
POST api.suggestion_import                   401     401     403     403     403     403     403     ok
POST api.suggestion_submit                   ok      ok      ok      ok      ok      ok      ok      ok
POST jobs.job_retry                          login   login   403     403     403     403     403     ok
POST plan.bulletin                           login   login   403     403     403     403     403     ok
POST plan.key_project_delete                 login   login   403     403     403     403     403     ok
POST plan.key_project_edit                   login   login   403     403     403     403     403     ok
POST plan.key_project_move                   login   login   403     403     403     403     403     ok
POST plan.key_project_new                    login   login   403     403     403     403     403     ok
POST plan.key_projects_import                 login   login   403     403     403     403     403     ok
POST plan.key_project_tasks                  login   login   ok      403     403     403     403     ok
POST plan.plan_assessment                    login   login   403     403     403     403     403     ok
POST plan.plan_create                        login   login   403     403     403     403     403     ok
POST plan.plan_layout                         login   login   403     403     403     403     403     ok
POST plan.plan_part_add                       login   login   403     403     403     403     403     ok
POST plan.plan_part_delete                    login   login   403     403     403     403     403     ok
POST plan.plan_part_move                      login   login   403     403     403     403     403     ok
POST plan.plan_part_rename                    login   login   403     403     403     403     403     ok
POST plan.plan_report_day                    login   login   403     403     403     403     403     ok
POST plan.plan_transition                    login   login   403     403     403     403     403     ok
POST plan.progress_accept                    login   login   403     403     403     403     403     ok
POST plan.progress_form                      login   login   ok      403     403     403     403     403
POST plan.progress_import                    login   login   403     403     403     403     403     ok
POST plan.progress_remind                    login   login   403     403     403     403     403     ok
POST plan.progress_review                    login   login   403     403     403     403     403     ok
POST plan.task_delete                        login   login   ok      403     403     403     403     ok
POST plan.task_edit                          login   login   ok      403     403     403     403     ok
POST review.assignment_add                   login   login   403     403     403     403     403     ok
POST review.assignment_auto_apply            login   login   403     403     403     403     403     ok
POST review.assignment_delete                login   login   403     403     403     403     403     ok
POST review.assignment_import                login   login   403     403     403     403     403     ok
POST review.assignment_publish               login   login   403     403     403     403     403     ok
POST review.conflict_add                     login   login   403     403     403     403     403     ok
POST review.conflict_decide                  login   login   403     403     403     403     403     ok
POST review.conflict_detect                  login   login   403     403     403     403     403     ok
POST review.criteria_standard                login   login   403     403     403     403     403     ok
POST review.criterion_add                    login   login   403     403     403     403     403     ok
POST review.criterion_delete                 login   login   403     403     403     403     403     ok
POST review.criterion_edit                   login   login   403     403     403     403     403     ok
POST review.cut_line                         login   login   403     403     403     403     403     ok
POST review.decisions_bulk                   login   login   403     403     403     403     403     ok
POST review.decisions_publish                login   login   403     403     403     403     403     ok
POST review.expert_profile                   login   login   403     403     403     403     403     ok
POST review.field_visit_add                  login   login   403     403     ok      403     403     ok
POST review.proposal_decide                  login   login   403     403     403     403     403     ok
POST review.proposal_flag                    login   login   403     403     403     403     403     ok
POST review.review_abstain                   login   login   403     403     ok      403     403     403
POST review.review_form                      login   login   403     403     ok      403     403     403
POST review.review_remind                    login   login   403     403     403     403     403     ok
POST review.review_reopen                    login   login   403     403     403     403     403     ok
POST review.review_settings                  login   login   403     403     403     403     403     ok
POST review.review_stage                     login   login   403     403     403     403     403     ok
POST review.review_stage_dates               login   login   403     403     403     403     403     ok
POST review.suggestion_review_form           login   login   403     403     ok      403     403     403
POST review.suggestion_screening_send        login   login   403     403     403     403     403     ok
POST search_index.search_change_retry        login   login   403     403     403     403     403     ok
POST search_index.terms                      login   login   403     403     403     403     403     ok
POST solicitation.attachment_add             login   login   403     403     403     403     403     403
POST solicitation.attachment_delete          login   login   403     403     403     403     403     403
POST solicitation.category_add               login   login   403     403     403     403     403     ok
POST solicitation.category_delete            login   login   403     403     403     403     403     ok
POST solicitation.category_edit              login   login   403     403     403     403     403     ok
POST solicitation.category_preset            login   login   403     403     403     403     403     ok
POST solicitation.late_submission_grant      login   login   403     403     403     403     403     ok
POST solicitation.proposal_create            login   login   ok      ok      403     403     403     403
POST solicitation.proposal_edit              login   login   403     403     403     403     403     403
POST solicitation.proposal_record            login   login   403     403     403     403     403     ok
POST solicitation.proposal_return            login   login   403     403     403     403     403     ok
POST solicitation.proposal_submit            login   login   403     403     403     403     403     403
POST solicitation.proposal_withdraw          login   login   ok      403     403     403     403     403
POST solicitation.round_create               login   login   403     403     403     403     403     ok
POST solicitation.round_edit                 login   login   403     403     403     403     403     ok
POST solicitation.round_transition           login   login   403     403     403     403     403     ok
POST solicitation.second                     ok      ok      ok      ok      ok      ok      ok      ok
POST solicitation.suggest                    ok      ok      ok      ok      ok      ok      ok      ok
POST solicitation.suggestion_accept          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_answer          login   login   ok      403     403     403     403     403
POST solicitation.suggestion_bulk_apply      login   login   403     403     403     403     403     ok
POST solicitation.suggestion_bulk_confirm    login   login   403     403     403     403     403     ok
POST solicitation.suggestion_create          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_decide          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_draft_proposal  login   login   ok      403     403     403     403     ok
POST solicitation.suggestion_duplicate       login   login   403     403     403     403     403     ok
POST solicitation.suggestion_export_contacts login   login   403     403     403     403     403     ok
POST solicitation.suggestion_export_job      login   login   403     403     403     403     403     ok
POST solicitation.suggestion_import          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_link            login   login   403     403     403     403     403     ok
POST solicitation.suggestion_public          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_publish_replies login   login   403     403     403     403     403     ok
POST solicitation.suggestion_refer           login   login   403     403     403     403     403     ok
POST solicitation.suggestion_reject          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_reopen          login   login   403     403     403     403     403     ok
POST solicitation.suggestion_reveal          login   login   403     403     403     403     403     ok
POST solicitation.theme_bulk_confirm         login   login   403     403     403     403     403     ok
POST solicitation.theme_merge                login   login   403     403     403     403     403     ok
POST solicitation.theme_move                 login   login   403     403     403     403     403     ok
POST solicitation.theme_publish              login   login   403     403     403     403     403     ok
POST solicitation.theme_recompute            login   login   403     403     403     403     403     ok
POST solicitation.theme_rename               login   login   403     403     403     403     403     ok
POST solicitation.theme_split                login   login   403     403     403     403     403     ok
POST solicitation.theme_withdraw             login   login   403     403     403     403     403     ok
POST solicitation.topic_create               login   login   403     403     403     403     403     ok
POST solicitation.topic_edit                 login   login   403     403     403     403     403     ok
POST solicitation.topic_publish              login   login   403     403     403     403     403     ok
POST solicitation.topic_withdraw             login   login   403     403     403     403     403     ok
"""
REFUSED = {"login", "401", "403", "404"}
# Query arguments a route needs to do its work rather than say what is missing.
QUERIES = {
    "api.search": {"q": "一网通办"},
    "search_index.search": {"q": "一网通办"},
    "search_index.similar": {"text": "一网通办"},
}


def parse(table: str) -> dict[str, dict[str, str]]:
    """{"METHOD endpoint": {role: answer}} from the table's lines."""
    header, *lines = [line.split() for line in table.strip().splitlines()]
    assert header == ROLES
    rows = {f"{method} {endpoint}": dict(zip(ROLES, answers, strict=True)) for method, endpoint, *answers in lines}
    assert len(rows) == len(lines), "a route has two lines"
    return rows


MATRIX = parse(MATRIX_TABLE)


def address(app, world, rule) -> str:
    values = {**world["args"], **world["overrides"].get(rule.endpoint, {})}
    with app.test_request_context():
        return url_for(
            rule.endpoint, **{name: values[name] for name in rule.arguments}, **QUERIES.get(rule.endpoint, {})
        )


def answer(response) -> str:
    """The answer as the table writes it."""
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return "login"
    return "ok" if response.status_code < 400 else str(response.status_code)


def test_every_route_has_a_line_in_the_matrix(app):
    """A new route must say here who may reach it."""
    keys = {key for key, _rule in routes(app)}
    missing = sorted(keys - MATRIX.keys())
    assert not missing, "routes missing from MATRIX: " + ", ".join(missing)
    assert not MATRIX.keys() - keys, "MATRIX names routes that no longer exist: " + ", ".join(MATRIX.keys() - keys)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_the_matrix_says(app, world, role):
    caller = Caller(app, world, role)
    wrong = []
    state = fingerprint()
    for key, rule in routes(app):
        if key.startswith("GET ") and key in MATRIX:
            got = answer(caller.request("GET", url := address(app, world, rule)))
            if got != MATRIX[key][role]:
                wrong.append(f"{key} {url}: expected {MATRIX[key][role]}, got {got}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
    after = fingerprint()
    assert after == state, "pages changed the world the other tests read: " + ", ".join(
        sorted(name for name in state if state[name] != after[name])
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_refused_change_is_refused_before_it_changes_anything(app, world, role):
    caller = Caller(app, world, role)
    wrong = []
    state = fingerprint()
    for key, rule in routes(app):
        if key.startswith("POST ") and key in MATRIX and MATRIX[key][role] in REFUSED:
            got = answer(caller.request("POST", url := address(app, world, rule)))
            if got != MATRIX[key][role]:
                wrong.append(f"{key} {url}: expected {MATRIX[key][role]}, got {got}")
            if (after := fingerprint()) != state:
                changed = sorted(name for name in state if state[name] != after[name])
                wrong.append(f"{key} {url}: changed {', '.join(changed)}")
                state = after
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# Noting that a token was used is not a change the caller made.
BOOKKEEPING = {"api_tokens.last_used_at"}


def fingerprint() -> dict[str, list[str]]:
    """Every row of every table, to compare before and after a refused request."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if f"{table.name}.{column.name}" not in BOOKKEEPING]
        state[table.name] = sorted(map(repr, db.session.execute(select(*columns)).all()))
    return state
