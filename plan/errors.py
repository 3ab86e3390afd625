"""Rules of the plan package, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class PlanError(DomainError):
    messages = {
        "office_only": _l("Only the reform office can do this."),
        "round_not_planning": _l("The plan is drafted once the round has moved to “Drafting the plan”."),
        "plan_exists": _l("This round already has a plan."),
        "plan_not_draft": _l("The plan is “%(status)s”: key projects change only while it is a draft."),
        "transition_not_allowed": _l("A plan that is “%(current)s” cannot become “%(target)s”."),
        "plan_empty": _l("A plan needs at least one key project."),
        "project_incomplete": _l("Project %(number)s needs a lead district leader and a lead unit."),
        "meeting_required": _l("Give the meeting that approved the plan and its date."),
        "title_required": _l("A key project needs a title."),
        "category_not_in_round": _l("Choose one of this round's categories."),
        "cannot_move": _l("The project is already at that end of the list."),
    }
