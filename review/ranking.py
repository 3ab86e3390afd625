"""The ranking of a round's proposals from their submitted reviews, with every aggregate side by side."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from review import queries
from review.models import Recommendation
from review.scoring import calibrate, summarise, trimmed_mean
from solicitation.models import Proposal, Suggestion


@dataclass
class RankedProposal:
    proposal: Proposal
    n: int
    mean: float | None
    median: float | None
    stdev: float | None
    spread: float | None
    trimmed: float | None = None
    calibrated: float | None = None
    criterion_means: dict[int, float] = field(default_factory=dict)
    recommendations: Counter = field(default_factory=Counter)
    vetoes: dict[int, int] = field(default_factory=dict)  # criterion -> experts scoring at or below its threshold
    excluded: int = 0  # submitted reviews left out because of a conflict of interest
    field_visits: int = 0
    rank: int | None = None  # by the mean of the weighted totals
    calibrated_rank: int | None = None

    @property
    def conflicting(self) -> bool:
        """Some experts recommend it and some do not."""
        return bool(
            self.recommendations[Recommendation.recommend] and self.recommendations[Recommendation.not_recommended]
        )


# "stdev" ranks by disagreement, for the panel discussion.
MEASURES = ("mean", "median", "trimmed", "calibrated", "stdev")


@dataclass
class Ranking:
    rows: list[RankedProposal]
    biases: dict[int, float]  # expert -> estimated bias in points of 100

    def cut_rank(self, settings) -> int | None:
        """The last rank above the cut line: the top N, or the top x % of the reviewed proposals (at least one)."""
        if settings.cut_line:
            return settings.cut_line
        reviewed = sum(1 for row in self.rows if row.rank is not None)
        if settings.cut_percent and reviewed:
            return max(1, math.ceil(reviewed * settings.cut_percent / 100))
        return None


def below_cut(rank: int | None, cut: int) -> bool:
    """Whether a rank falls below the cut line (a proposal without a rank, unreviewed, does)."""
    return rank is None or rank > cut


def rest_below_cut(ranking: Ranking, settings, screenings) -> list[Proposal]:
    """The proposals below the cut line that have no decision yet: "not selected" goes to all of them at once."""
    cut = ranking.cut_rank(settings)
    if not cut:
        return []
    return [
        row.proposal
        for row in ranking.rows
        if below_cut(row.rank, cut) and not (screenings.get(row.proposal.id) and screenings[row.proposal.id].decision)
    ]


def round_rest_below_cut(round_id: int) -> list[Proposal]:
    """The round's proposals below its cut line without a decision, read afresh."""
    ranking = rank_round(round_id, details=False)
    return rest_below_cut(ranking, queries.review_settings(round_id), queries.screenings(round_id))


@dataclass
class Totals:
    """What the submitted reviews of a round add up to, conflicted ones left out."""

    by_proposal: dict[int, list[float]]  # the weighted totals (0–100) of complete reviews
    excluded: Counter  # conflicted reviews left out, by proposal
    observations: list[tuple[int, int, float]]  # (proposal, expert, total), for the calibration
    recommendations: dict[int, Counter]


def review_totals(round_id: int) -> Totals:
    """The weighted totals (0–100) and recommendations of the round's submitted reviews that count."""
    totals = Totals(defaultdict(list), Counter(), [], defaultdict(Counter))
    for proposal_id, expert_id, total, conflicted, recommendation in queries.review_totals(round_id):
        if conflicted:
            totals.excluded[proposal_id] += 1
            continue
        if recommendation is not None:
            totals.recommendations[proposal_id][recommendation] += 1
        if total is not None:
            totals.by_proposal[proposal_id].append(total)
            totals.observations.append((proposal_id, expert_id, total))
    return totals


def disagreement(round_id: int) -> dict[int, float]:
    """The standard deviation of each reviewed proposal's totals: the panel discusses the largest first."""
    return {p: summarise(values)["stdev"] for p, values in review_totals(round_id).by_proposal.items()}


def add_criterion_details(round_id: int, rows: list[RankedProposal], *, every: bool = False) -> None:
    """Fill the per-criterion means and veto flags of `rows` (of all the round's rows when `every`).

    One query over the scores; a page asks it for the rows it shows only.
    """
    ids = None if every else [row.proposal.id for row in rows]
    means, vetoes = defaultdict(dict), defaultdict(dict)
    for proposal_id, criterion_id, mean, at_veto in queries.criterion_means(round_id, proposal_ids=ids):
        means[proposal_id][criterion_id] = float(mean)
        if at_veto:
            vetoes[proposal_id][criterion_id] = at_veto
    for row in rows:
        row.criterion_means, row.vetoes = means[row.proposal.id], vetoes[row.proposal.id]


def rank_round(round_id: int, *, measure: str = "mean", details: bool = True) -> Ranking:
    """Every proposal under review with its aggregates, best first by `measure` (unreviewed ones last).

    Four queries whatever the size of the round (each review's total was fixed when it was submitted),
    and a fifth for the per-criterion means and vetoes unless `details` is off.
    """
    totals = review_totals(round_id)
    visits = queries.field_visit_counts(round_id)
    ranked = []
    for proposal in queries.round_proposals(round_id):
        values = totals.by_proposal[proposal.id]
        stats = summarise(values)
        ranked.append(
            RankedProposal(
                proposal=proposal,
                n=stats["n"],
                mean=stats["mean"],
                median=stats["median"],
                stdev=stats["stdev"],
                spread=stats["range"],
                trimmed=trimmed_mean(values),
                recommendations=totals.recommendations[proposal.id],
                excluded=totals.excluded[proposal.id],
                field_visits=visits.get(proposal.id, 0),
            )
        )
    quality, biases = calibrate(totals.observations)
    for row in ranked:
        row.calibrated = quality.get(row.proposal.id)
    for attribute, rank_attribute in (("calibrated", "calibrated_rank"), ("mean", "rank")):
        ordered = sorted((r for r in ranked if getattr(r, attribute) is not None), key=lambda r: -getattr(r, attribute))
        for position, row in enumerate(ordered, start=1):
            setattr(row, rank_attribute, position)
    measure = measure if measure in MEASURES else "mean"
    ranked.sort(key=lambda r: (getattr(r, measure) is None, -(getattr(r, measure) or 0), r.proposal.id))
    if details:
        add_criterion_details(round_id, ranked, every=True)
    return Ranking(rows=ranked, biases=biases)


@dataclass
class RankedSuggestion:
    suggestion: Suggestion
    sent: int  # experts it was sent to
    n: int  # screenings submitted
    mean: float | None  # of the scores, as points of 100
    median: float | None
    calibrated: float | None
    worth: int  # experts who think it worth a reform project
    not_worth: int
    rank: int | None = None


def rank_suggestions(round_id: int) -> list[RankedSuggestion]:
    """The suggestions sent to screening, best first by the mean score, ranked as proposals are.

    Scores are put on 0–100 like proposals' totals; the calibration uses the same expert-bias model.
    """
    scale = queries.suggestion_scale(round_id)
    by_suggestion: dict[int, list] = defaultdict(list)
    suggestions = {}
    for screening in queries.suggestion_reviews_of_round(round_id):
        by_suggestion[screening.suggestion_id].append(screening)
        suggestions[screening.suggestion_id] = screening.suggestion
    observations = [
        (sid, s.expert_id, 100.0 * s.score / scale)
        for sid, screenings in by_suggestion.items()
        for s in screenings
        if s.submitted_at is not None
    ]
    quality, _biases = calibrate(observations)
    rows = []
    for sid, screenings in by_suggestion.items():
        done = [s for s in screenings if s.submitted_at is not None]
        stats = summarise([100.0 * s.score / scale for s in done])
        rows.append(
            RankedSuggestion(
                suggestion=suggestions[sid],
                sent=len(screenings),
                n=stats["n"],
                mean=stats["mean"],
                median=stats["median"],
                calibrated=quality.get(sid),
                worth=sum(1 for s in done if s.worth_a_project),
                not_worth=sum(1 for s in done if s.worth_a_project is False),
            )
        )
    rows.sort(key=lambda r: (r.mean is None, -(r.mean or 0), -r.suggestion.second_count, r.suggestion.id))
    for position, row in enumerate((r for r in rows if r.mean is not None), start=1):
        row.rank = position
    return rows
