"""The plan blueprint: the plan and its key projects, tasks, progress reports, bulletins and the public pages."""

from flask import Blueprint

bp = Blueprint("plan", __name__)

# Each module adds its routes to bp.
from plan.views import plans, progress, tasks  # noqa: E402, F401
