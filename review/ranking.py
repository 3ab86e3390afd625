"""The ranking of a round's proposals from their submitted reviews, with every aggregate side by side."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from review import queries
from review.models import Recommendation
from review.scoring import calibrate, summarise, trimmed_mean, weighted_total
from solicitation.models import Proposal


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
    excluded: int = 0  # submitted reviews left out because of a conflict of interest
    rank: int | None = None  # by the mean of the weighted totals
    calibrated_rank: int | None = None

    @property
    def conflicting(self) -> bool:
        """Some experts recommend it and some do not."""
        return bool(
            self.recommendations[Recommendation.recommend] and self.recommendations[Recommendation.not_recommended]
        )


MEASURES = ("mean", "median", "trimmed", "calibrated")


@dataclass
class Ranking:
    rows: list[RankedProposal]
    biases: dict[int, float]  # expert -> estimated bias in points of 100


def rank_round(round_id: int, *, measure: str = "mean") -> Ranking:
    """Every proposal under review with its aggregates, best first by `measure` (unreviewed ones last).

    Four queries whatever the size of the round: criteria, proposals, scores, reviews.
    """
    criteria = [(c.id, c.weight, c.max_score) for c, _share in queries.criteria_of(round_id)]
    values = defaultdict(dict)  # (proposal, expert) -> {criterion: value}
    conflicted = set()
    experts_of = defaultdict(set)  # proposal -> experts with a submitted review
    for proposal_id, expert_id, criterion_id, value, is_conflicted in queries.submitted_scores(round_id):
        values[proposal_id, expert_id][criterion_id] = value
        experts_of[proposal_id].add(expert_id)
        if is_conflicted:
            conflicted.add((proposal_id, expert_id))
    recommendations = defaultdict(Counter)
    for review in queries.submitted_reviews(round_id):
        pair = (review.assignment.proposal_id, review.assignment.expert_id)
        if pair not in conflicted and review.recommendation:
            recommendations[pair[0]][review.recommendation] += 1

    ranked, observations = [], []
    for proposal in queries.round_proposals(round_id):
        pairs = [(proposal.id, expert_id) for expert_id in sorted(experts_of[proposal.id])]
        counted = [pair for pair in pairs if pair not in conflicted]
        scored = [(pair, weighted_total(values[pair], criteria)) for pair in counted]
        scored = [(pair, total) for pair, total in scored if total is not None]
        observations += [(pair[0], pair[1], total) for pair, total in scored]
        totals = [total for _pair, total in scored]
        stats = summarise(totals)
        means = {cid: sum(values[pair][cid] for pair in counted) / len(counted) for cid, _w, _m in criteria if counted}
        ranked.append(
            RankedProposal(
                proposal=proposal,
                n=stats["n"],
                mean=stats["mean"],
                median=stats["median"],
                stdev=stats["stdev"],
                spread=stats["range"],
                trimmed=trimmed_mean(totals),
                criterion_means=means,
                recommendations=recommendations[proposal.id],
                excluded=len(pairs) - len(counted),
            )
        )
    quality, biases = calibrate(observations)
    for row in ranked:
        row.calibrated = quality.get(row.proposal.id)
    for attribute, rank_attribute in (("calibrated", "calibrated_rank"), ("mean", "rank")):
        ordered = sorted((r for r in ranked if getattr(r, attribute) is not None), key=lambda r: -getattr(r, attribute))
        for position, row in enumerate(ordered, start=1):
            setattr(row, rank_attribute, position)
    measure = measure if measure in MEASURES else "mean"
    ranked.sort(key=lambda r: (getattr(r, measure) is None, -(getattr(r, measure) or 0), r.proposal.id))
    return Ranking(rows=ranked, biases=biases)
