"""How the audit log reads the events of rounds, categories, proposals and suggestions (accounts.audit_text),
their fields named as this package's forms name them."""

from flask_babel import lazy_gettext as _l

from accounts.audit_text import RecordText, form_labels
from solicitation.forms import (
    AnswerForm,
    CategoryForm,
    LateSubmissionForm,
    LinkProposalsForm,
    OfficeSuggestionForm,
    ProposalForm,
    RecordedProposalForm,
    ReferForm,
    RejectForm,
    ReturnProposalForm,
    RoundForm,
    TopicForm,
)
from solicitation.models import Channel, ProposalStatus, RejectReason, RoundStatus, SuggestionStatus, TopicStatus

STATUS = _l("Status")

AUDIT_TEXTS = {
    "Round": RecordText(
        name=_l("round"),
        verbs={
            "round.create": _l("created"),
            "round.update": _l("edited"),
            "round.transition": _l("moved to the next phase"),
            "round.review_settings": _l("changed the review settings of"),
            "suggestion.import": _l("imported suggestions into"),
            "suggestion.export_contacts": _l("exported the residents' contacts of"),
        },
        fields={
            **form_labels(
                RoundForm,
                "year",
                "title",
                "description",
                "solicitation_opens",
                "solicitation_closes",
                "review_deadline",
                "plan_date",
            ),
            "solicits": _l("Solicits proposals"),
            "status": STATUS,
            "file": _l("File"),
            "rows": _l("Rows"),
        },
        values={"status": RoundStatus},
    ),
    "LateAllowance": RecordText(
        name=_l("late submission allowance"),
        verbs={"round.late_submission": _l("granted")},
        fields={"until": LateSubmissionForm.until.args[0]},
    ),
    "Category": RecordText(
        name=_l("category"),
        verbs={"category.create": _l("created"), "category.update": _l("edited"), "category.delete": _l("deleted")},
        fields={**form_labels(CategoryForm, "name", "description"), "position": _l("Position")},
    ),
    "Topic": RecordText(
        name=_l("topic (点题)"),
        verbs={
            "topic.create": _l("set"),
            "topic.update": _l("edited"),
            "topic.publish": _l("published"),
            "topic.withdraw": _l("withdrew"),
        },
        fields={**form_labels(TopicForm, "title", "category_id", "problem", "expected_result"), "status": STATUS},
        values={"status": TopicStatus},
    ),
    "Theme": RecordText(
        name=_l("theme (议题)"),
        verbs={"theme.publish": _l("published on “What we heard”"), "theme.withdraw": _l("took off “What we heard”")},
        fields={"name": _l("Name"), "published": _l("Published"), "public_reply": _l("The reform office's reply")},
    ),
    "Proposal": RecordText(
        name=_l("proposal"),
        verbs={
            "proposal.create": _l("drafted"),
            "proposal.from_suggestion": _l("drafted from a suggestion"),
            "proposal.update": _l("edited"),
            "proposal.submit": _l("submitted"),
            "proposal.record": _l("recorded on the unit's behalf"),
            "proposal.return": _l("returned for revision"),
            "proposal.withdraw": _l("withdrew"),
            "proposal.attach": _l("attached a file to"),
            "proposal.detach": _l("removed a file from"),
        },
        fields={
            **form_labels(
                ProposalForm,
                "title",
                "category_id",
                "topic_id",
                "background",
                "content",
                "innovation",
                "goals",
                "contact_name",
                "contact_phone",
            ),
            "status": STATUS,
            "return_reason": ReturnProposalForm.reason.args[0],
            "filename": _l("File"),
            "submitted_on": RecordedProposalForm.submitted_on.args[0],
            "entered_by_office": _l("Entered by the office"),
        },
        values={"status": ProposalStatus},
    ),
    "Suggestion": RecordText(
        name=_l("suggestion"),
        verbs={
            "suggestion.create": _l("recorded"),
            "suggestion.accept": _l("accepted"),
            "suggestion.reopen": _l("took back the acceptance of"),
            "suggestion.reject": _l("did not accept"),
            "suggestion.duplicate": _l("merged as a duplicate"),
            "suggestion.refer": _l("referred"),
            "suggestion.answer": _l("answered"),
            "suggestion.decide": _l("decided on"),
            "suggestion.publish_reply": _l("published the reply to"),
            "suggestion.link": _l("linked proposals to"),
            "suggestion.publish": _l("published"),
            "suggestion.unpublish": _l("withdrew from publication"),
            "suggestion.reveal_contact": _l("read the contact details of"),
        },
        fields={
            **form_labels(
                OfficeSuggestionForm,
                "title",
                "content",
                "category_id",
                "location",
                "contact_name",
                "contact_phone",
                "contact_email",
                "channel",
            ),
            "status": STATUS,
            "reject_reason": RejectForm.reason.args[0],
            "reply": RejectForm.reply.args[0],
            "referred_unit_id": ReferForm.unit_id.args[0],
            "referral_note": ReferForm.note.args[0],
            "unit_answer": AnswerForm.answer.args[0],
            "proposals": LinkProposalsForm.proposal_ids.args[0],
            "is_public": _l("Published"),
        },
        values={"status": SuggestionStatus, "reject_reason": RejectReason, "channel": Channel},
    ),
}
