"""The plan blueprint: the plan and its key projects, tasks, progress reports, bulletins and the public pages."""

from flask import Blueprint

from plan.queries import by_part, lead_counts, newest_public_plans, suggestion_outcome
from plan.word_documents import official_text

bp = Blueprint("plan", __name__)
bp.add_app_template_filter(official_text)
# What the plan adds to an earlier stage's page (solicitation never imports plan): a resident's tracking page shows
# the proposals their suggestion fed and the key projects they became; the page stands without it.
bp.add_app_template_global(suggestion_outcome)
# The home page (core's) shows the newest round's published plans and their projects' progress; it stands without it.
bp.add_app_template_global(newest_public_plans)
# Every page that lists a plan's projects groups them under its parts and says who leads them.
bp.add_app_template_global(by_part)
bp.add_app_template_global(lead_counts)

# Each module adds its routes to bp.
from plan.views import bulletins, key_projects, parts, plans, progress, public, tasks  # noqa: E402, F401
