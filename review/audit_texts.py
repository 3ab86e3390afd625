"""How the audit log reads the review's events (accounts.audit_text): reviews, assignments, conflicts, field visits,
screening, and what the review adds to a round, a proposal and an expert's account; fields as the forms name them."""

from flask_babel import lazy_gettext as _l

from accounts.audit_text import RecordText, form_labels
from review.forms import (
    AssignForm,
    ConflictForm,
    CriterionForm,
    DecisionForm,
    ExpertProfileForm,
    FieldVisitForm,
    ReviewForm,
    ReviewSettingsForm,
    StageDatesForm,
    SuggestionReviewForm,
)
from review.models import ConflictStatus, Decision, Familiarity, Recommendation, ReviewStage, ReviewStatus

STATUS = _l("Status")

AUDIT_TEXTS = {
    "Round": RecordText(
        name=_l("round"),
        verbs={
            "assignment.auto": _l("assigned experts automatically in"),
            "assignment.import": _l("imported expert assignments into"),
            "assignment.publish": _l("published the expert assignments of"),
            "review.stage": _l("moved the review stage of"),
            "review.stage_dates": _l("set the review stage dates of"),
            "review.remind": _l("reminded late experts of"),
            "screening.publish": _l("published the screening decisions of"),
            "suggestion_review.send": _l("sent suggestions to expert screening in"),
        },
        fields={
            "stage": _l("Review stage"),
            **form_labels(
                ReviewSettingsForm, "cut_line", "cut_percent", "reviewers_per_proposal", "trim_extremes", "blind"
            ),
            **form_labels(StageDatesForm, "discussion_until", "decision_until"),
            "assignments": _l("Expert assignments"),
            "decisions": _l("Decisions"),
            "suggestions": _l("Suggestions"),
        },
        values={"stage": ReviewStage},
    ),
    "Proposal": RecordText(
        name=_l("proposal"),
        verbs={
            "screening.decide": _l("decided on"),
            "screening.shortlisted": _l("changed the shortlist for"),
            "screening.field_visit_requested": _l("changed the field visit request for"),
        },
        fields={
            **form_labels(DecisionForm, "decision", "reason"),
            "shortlisted": _l("Shortlisted"),
            "field_visit_requested": _l("Field visit requested"),
        },
        values={"decision": Decision},
    ),
    "User": RecordText(
        name=_l("account"),
        verbs={"expert.profile": _l("edited the expert profile of")},
        fields=form_labels(ExpertProfileForm, "institution", "expertise", "max_load"),
    ),
    "Criterion": RecordText(
        name=_l("criterion"),
        verbs={"criterion.create": _l("created"), "criterion.update": _l("edited"), "criterion.delete": _l("deleted")},
        fields={
            **form_labels(CriterionForm, "name", "description", "weight", "max_score", "veto_at", "scale_labels"),
            "counted": _l("Counted in the total"),
            "position": _l("Position"),
        },
    ),
    "Assignment": RecordText(
        name=_l("expert assignment"),
        verbs={"assignment.create": _l("created"), "assignment.delete": _l("deleted")},
        fields={**form_labels(AssignForm, "expert_id"), **form_labels(ConflictForm, "proposal_id")},
    ),
    "Review": RecordText(
        name=_l("review"),
        verbs={"review.save": _l("saved"), "review.submit": _l("submitted"), "review.reopen": _l("reopened")},
        fields={
            **form_labels(ReviewForm, "comment", "recommendation", "familiarity"),
            "status": STATUS,
            "scores": _l("Scores"),
        },
        values={"status": ReviewStatus, "recommendation": Recommendation, "familiarity": Familiarity},
    ),
    "Conflict": RecordText(
        name=_l("conflict of interest"),
        verbs={
            "conflict.declared": _l("declared"),
            "conflict.detected": _l("detected"),
            "conflict.office": _l("entered"),
            "conflict.confirm": _l("confirmed"),
            "conflict.dismiss": _l("dismissed"),
        },
        fields={**form_labels(ConflictForm, "reason"), "status": STATUS},
        values={"status": ConflictStatus},
    ),
    "FieldVisit": RecordText(
        name=_l("field visit"),
        verbs={"field_visit.create": _l("recorded")},
        fields={**form_labels(FieldVisitForm, "visited_on", "place", "people_met", "findings"), "files": _l("Files")},
    ),
    "SuggestionReview": RecordText(
        name=_l("suggestion screening"),
        verbs={"suggestion_review.submit": _l("submitted")},
        fields=form_labels(SuggestionReviewForm, "score", "comment", "worth_a_project"),
    ),
}
