"""Rules of the review package, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class ReviewError(DomainError):
    messages = {
        "criteria_frozen": _l("The criteria of a round cannot change once it is past review."),
        "criterion_name_taken": _l("This round already has a criterion named %(name)s."),
        "weight_not_positive": _l("A weight must be greater than zero."),
        "max_score_not_positive": _l("The maximum score must be at least 1."),
        "scale_label_out_of_range": _l("The scale goes from 0 to %(max)s; there is no point %(point)s to label."),
        "veto_out_of_range": _l("A veto threshold is a score from 0 to %(max)s, below the maximum."),
        "criteria_in_use": _l("Experts have submitted reviews on these criteria; they can no longer change."),
        "not_an_expert": _l("%(name)s is not an expert."),
        "max_load_negative": _l("The maximum load cannot be negative."),
        "max_load_not_number": _l("%(value)s is not a whole number of proposals."),
        "profile_not_expert": _l("Only an expert's row takes an expert's profile: leave this column blank."),
        "value_too_long": _l("At most %(max)s characters."),
        "proposal_not_reviewable": _l("Only submitted proposals can be reviewed."),
        "conflict_of_interest": _l("%(name)s has a conflict of interest with this proposal."),
        "conflict_by_unit": _l(
            "%(name)s works for the proposing unit or a cooperating one: this conflict cannot be dismissed."
        ),
        "already_assigned": _l("%(name)s is already assigned to this proposal."),
        "over_max_load": _l("%(name)s already has %(load)s assignments, the most they take."),
        "review_exists": _l("The expert has submitted a review; reopen or keep it rather than unassign."),
        "not_your_assignment": _l("This proposal is not assigned to you."),
        "assignment_not_published": _l("The office has not published this assignment yet."),
        "review_locked": _l("The review is submitted and locked. Ask the reform office to reopen it."),
        "round_not_reviewing": _l("The round is not under review."),
        "assignments_before_review": _l(
            "Assignments are published once the round is under review: until then proposals are still arriving and "
            "experts could not score them. Move the round on to “Under review” first."
        ),
        "score_out_of_range": _l("A score goes from 0 to %(max)s."),
        "score_missing": _l("Score every criterion before submitting."),
        "recommendation_missing": _l("Choose a recommendation before submitting."),
        "review_not_submitted": _l("Only a submitted review can be reopened."),
        "reviewers_not_positive": _l("At least one reviewer per proposal."),
        "visit_in_future": _l("A field visit is recorded once it has taken place."),
        "reason_required_against_cut": _l(
            "Say why: this decision goes against the cut line (rank %(rank)s, cut line at %(cut)s)."
        ),
        "merge_target_required": _l("Choose the project it is merged into."),
        "merge_into_self": _l("A project cannot be merged into itself."),
        "round_not_reviewing_decisions": _l("Decisions are taken while the round is under review."),
        "stage_not_adjacent": _l(
            "The review is in the stage “%(current)s”; it moves one stage at a time, not to “%(target)s”."
        ),
        "discussion_before_deadline": _l("The panel discussion ends after independent scoring, due on %(deadline)s."),
        "decision_before_discussion": _l("The office's decision ends after the panel discussion."),
        "nothing_to_remind": _l("No expert has reviews outstanding."),
        "reviews_closed": _l("The review has moved to the office's decision: reviews can no longer change."),
        "decisions_in_decision_stage": _l(
            "Decisions are taken in the stage “Office decision”; move the review there first."
        ),
        "import_no_expert": _l("Name at least one expert."),
        "unknown_expert": _l("No active expert is called %(name)s (give the account or the name as on the platform)."),
        "ambiguous_expert": _l("Several experts are called %(name)s: give the account instead."),
        "unknown_proposal": _l("The round has no proposal numbered %(number)s."),
        "suggestion_not_taken_up": _l("Only suggestions the office has accepted go to expert screening."),
        "nothing_chosen": _l("Choose at least one suggestion."),
        "no_experts": _l("There is no active expert to send suggestions to."),
        "worth_missing": _l("Say whether the suggestion is worth turning into a reform project."),
        "screening_closed": _l(
            "Suggestions are screened while the round collects or reviews them, before the office decides."
        ),
        "cut_line_twice": _l("Draw the cut line either at a number of proposals or at a percentage, not both."),
        "cut_percent_range": _l("The percentage goes from 1 to 100."),
        "cut_line_positive": _l("The cut line is a number of proposals, at least 1."),
        "nothing_selected": _l("Tick at least one proposal."),
        "merge_target_not_in_round": _l(
            "Choose the project it is merged into among the round's proposals under review."
        ),
        "not_under_review_in_round": _l("This proposal is not under review in the round."),
        "already_shortlisted": _l("Already shortlisted."),
        "nothing_below_cut": _l("No proposal below the cut line is left without a decision."),
        "conflict_exists": _l("A conflict between this expert and this proposal is already recorded."),
    }
