"""The ranking of a round's proposals from their submitted reviews, with every aggregate side by side.

Each proposal's aggregates and the calibration are kept (review.models.Standing, ExpertBias): `standings_of`
computes them afresh whenever what they read changes (review.services.standings), and reading the ranking ranks
them in SQL and loads the proposals of the rows it returns only.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from extensions import db
from review import queries
from review.models import Recommendation
from review.queries import RankingFilter
from review.scoring import calibrate, standings, summarise
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

    @classmethod
    def of(cls, row) -> "RankedProposal":
        """The row of review.queries.ranking_rows: the proposal, its standing and ranks, its field visits."""
        stored = row.recommendations or {}
        return cls(
            proposal=row.Proposal,
            n=row.n,
            mean=row.mean,
            median=row.median,
            stdev=row.stdev,
            spread=row.spread,
            trimmed=row.trimmed,
            calibrated=row.calibrated,
            recommendations=Counter({r: stored[r.value] for r in Recommendation if r.value in stored}),
            excluded=row.excluded,
            field_visits=row.field_visits,
            rank=row.rank,
            calibrated_rank=row.calibrated_rank,
        )


# "stdev" ranks by disagreement, for the panel discussion.
MEASURES = queries.MEASURES


def cut_rank(settings, reviewed: int) -> int | None:
    """The last rank above the cut line: the top N, or the top x % of the `reviewed` proposals (at least one)."""
    if settings.cut_line:
        return settings.cut_line
    if settings.cut_percent and reviewed:
        return max(1, math.ceil(reviewed * settings.cut_percent / 100))
    return None


@dataclass
class Ranking:
    rows: list[RankedProposal]  # every row, or those of the page shown
    biases: dict[int, float]  # expert -> estimated bias in points of 100
    reviewed: int  # the round's proposals under review with a mean

    def cut_rank(self, settings) -> int | None:
        """The last rank above the cut line: the top N, or the top x % of the reviewed proposals (at least one)."""
        return cut_rank(settings, self.reviewed)


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


def round_cut(round_id: int) -> int | None:
    """The last rank above the round's cut line, read afresh (None: no line drawn)."""
    return cut_rank(queries.review_settings(round_id), queries.reviewed_count(round_id))


def round_rest_below_cut(round_id: int) -> list[Proposal]:
    """The round's proposals below its cut line without a decision, read afresh, in ranking order."""
    cut = round_cut(round_id)
    return list(db.session.scalars(queries.below_cut_undecided(round_id, cut))) if cut else []


def count_rest_below_cut(round_id: int, cut: int | None) -> int:
    """How many of the round's proposals are below the cut line `cut` without a decision."""
    return queries.count_below_cut_undecided(round_id, cut) if cut else 0


def standings_of(round_id: int) -> tuple[list[dict], dict[int, float]]:
    """Each proposal's standing (as the values of a Standing row) and each expert's bias, computed afresh from
    the round's submitted reviews: one query, then one pass over its (proposal, expert, total) rows."""
    reviews = [
        (p, e, total, conflicted, r and r.value) for p, e, total, conflicted, r in queries.review_totals(round_id)
    ]
    aggregates, biases = standings(reviews)
    return [values | {"proposal_id": p, "round_id": round_id} for p, values in aggregates.items()], biases


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


def ranking_page(
    round_id: int, *, measure: str = "mean", filters: RankingFilter | None = None, offset=0, limit=None
) -> list[RankedProposal]:
    """The rows the filters keep, best first by `measure`, `limit` of them from `offset`, with their criteria's
    means and veto flags: the kept standings ranked in SQL, the proposals of these rows only loaded."""
    rows = [
        RankedProposal.of(row)
        for row in queries.ranking_rows(round_id, measure=measure, filters=filters, offset=offset, limit=limit)
    ]
    add_criterion_details(round_id, rows)
    return rows


def every_ranked(round_id: int, *, measure: str, filters: RankingFilter) -> Iterator[RankedProposal]:
    """Every row the filters keep, best first by `measure`, with their details, read a batch at a time."""
    for batch in queries.every_ranking_row(round_id, measure=measure, filters=filters):
        rows = [RankedProposal.of(row) for row in batch]
        add_criterion_details(round_id, rows)
        yield from rows


def expert_biases(round_id: int) -> dict[int, float]:
    return {expert.id: bias for expert, bias in queries.expert_biases(round_id)}


def rank_round(round_id: int, *, measure: str = "mean", details: bool = True) -> Ranking:
    """Every proposal under review with its aggregates, best first by `measure` (unreviewed ones last), the
    per-criterion means and vetoes too unless `details` is off. For the whole round at once (a page reads
    `ranking_page`)."""
    rows = [RankedProposal.of(row) for row in queries.ranking_rows(round_id, measure=measure)]
    if details:
        add_criterion_details(round_id, rows, every=True)
    reviewed = sum(1 for row in rows if row.rank is not None)
    return Ranking(rows=rows, biases=expert_biases(round_id), reviewed=reviewed)


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
