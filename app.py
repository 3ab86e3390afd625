"""The application factory: configuration, extensions, blueprints and commands. Wiring only."""

import os

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from accounts import audit_text
from accounts import cli as accounts_cli
from accounts import permissions as accounts_permissions
from accounts import queries as accounts_queries
from accounts.views import bp as accounts_bp
from api.health import bp as health_bp
from api.views import bp as api_bp
from backup.cli import backup_cli
from core import logs, todo
from core.errors import DomainError
from core.mail import mail_cli
from core.request_input import IdConverter, refuse_control_characters
from core.security_headers import set_security_headers
from core.urls import url_with
from core.views import bp as core_bp
from core.views import error_page, refusal_page, select_locale, stale_record, template_translations
from dashboard import permissions as dashboard_permissions
from dashboard.views import bp as dashboard_bp
from demo.cli import demo_cli
from extensions import babel, csrf, db, limiter, login_manager, migrate
from jobs import audit_texts as jobs_audit_texts
from jobs import permissions as jobs_permissions
from jobs.cli import worker_command
from jobs.services import start_worker_thread
from jobs.views import bp as jobs_bp
from plan import audit_texts as plan_audit_texts
from plan import cli as plan_cli
from plan import permissions as plan_permissions
from plan import queries as plan_queries
from plan import todo as plan_todo
from plan.views import bp as plan_bp
from review import audit_texts as review_audit_texts
from review import permissions as review_permissions
from review import queries as review_queries
from review import todo as review_todo
from review.views import bp as review_bp
from search_index import audit_texts as search_audit_texts
from search_index import cli as search_cli
from search_index import permissions as search_permissions
from search_index import queue as search_queue
from search_index.views import bp as search_bp
from solicitation import audit_texts as solicitation_audit_texts
from solicitation import cli as solicitation_cli
from solicitation import permissions as solicitation_permissions
from solicitation import queries as solicitation_queries
from solicitation import todo as solicitation_todo
from solicitation.services import suggestion_counts
from solicitation.views import bp as solicitation_bp

ERROR_PAGES = (400, 403, 404, 405, 413, 429, 500)


def create_app(test_config: dict | None = None) -> Flask:
    """Create the application; `test_config` overrides what the environment configures."""
    test_config = test_config or {}
    app = Flask(
        __name__,
        instance_path=test_config.get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH"),
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    app.config.update(test_config)
    # For the database actually used (a test's may differ from the environment's).
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    if app.config["PROXY_COUNT"]:  # the client's address and scheme as the trusted proxies saw them
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    logs.init_app(app)
    for name, instead in config.retired_settings().items():
        app.logger.warning("%s no longer does anything: %s sets the one background worker", name, instead)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    # Before CSRF's own check, which cannot read a form part that has no name.
    app.before_request(refuse_control_characters)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(accounts_queries.user_for_session)

    app.url_map.converters["int"] = IdConverter  # before any route: every <int:…> is an id the database holds
    blueprints = (
        *(core_bp, health_bp, accounts_bp, jobs_bp, solicitation_bp),
        *(review_bp, plan_bp, dashboard_bp, search_bp, api_bp),
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    for predicates in (
        accounts_permissions,
        jobs_permissions,
        solicitation_permissions,
        review_permissions,
        plan_permissions,
        dashboard_permissions,
        search_permissions,
    ):
        app.jinja_env.globals.update(predicates.TEMPLATE_PREDICATES)
    # The audit log shows a record's events to those who may see the record (the rule of its own package).
    accounts_queries.AUDIT_VISIBILITY["Proposal"] = solicitation_queries.proposal_events_visible_to
    accounts_queries.AUDIT_VISIBILITY["Suggestion"] = solicitation_queries.suggestion_events_visible_to
    accounts_queries.AUDIT_VISIBILITY["ProgressReport"] = plan_queries.report_events_visible_to
    accounts_queries.AUDIT_VISIBILITY["KeyProject"] = plan_queries.project_events_visible_to
    accounts_queries.AUDIT_VISIBILITY["Review"] = review_queries.review_events_visible_to
    accounts_queries.AUDIT_VISIBILITY["FieldVisit"] = review_queries.field_visit_events_visible_to
    # The audit log reads each record type's events with that record's own table, whoever owns it.
    for texts in (solicitation_audit_texts, review_audit_texts, plan_audit_texts, jobs_audit_texts, search_audit_texts):
        audit_text.add_texts(texts.AUDIT_TEXTS)
    # The home page's to-do list: what of each stage waits for the reader (each package's own queries).
    todo.SOURCES[:] = [solicitation_todo.todo, review_todo.todo, plan_todo.todo]

    app.add_template_global(url_with)
    app.add_template_global(get_locale)
    app.context_processor(template_translations)
    app.after_request(set_security_headers)
    for code in ERROR_PAGES:
        app.register_error_handler(code, error_page)
    app.register_error_handler(DomainError, refusal_page)
    app.register_error_handler(StaleDataError, stale_record)

    app.cli.add_command(accounts_cli.users_cli)
    app.cli.add_command(solicitation_cli.rounds_cli)
    app.cli.add_command(plan_cli.plan_cli)
    app.cli.add_command(search_cli.search_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(worker_command)
    search_queue.watch()  # every change of an indexed record queues it, in its own transaction
    suggestion_counts.watch()  # every change of a suggestion updates the summary counts, in its own transaction
    if app.config["START_WORKERS"] and not app.testing:
        start_workers(app)
    return app


def start_workers(app: Flask) -> None:
    """Start this server process's own background worker, which delivers the outbox, applies the search queue and
    runs the jobs (unless JOBS_WORKER is none: `flask worker` does it then).

    Called by each gunicorn worker once it is forked (gunicorn.conf.py), or by create_app with START_WORKERS;
    once a process, whichever comes first (threads do not survive a fork, so the process id tells).
    """
    if app.extensions.get("workers_started") == os.getpid():
        return
    app.extensions["workers_started"] = os.getpid()
    if app.config["JOBS_WORKER"] == "thread":
        start_worker_thread(app)
