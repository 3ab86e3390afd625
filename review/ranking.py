"""The ranking of a round's proposals from their submitted reviews, with every aggregate side by side."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from review import queries
from review.models import Recommendation
from review.scoring import summarise, weighted_total
from solicitation.models import Proposal


@dataclass
class RankedProposal:
    proposal: Proposal
    n: int
    mean: float | None
    median: float | None
    stdev: float | None
    spread: float | None
    criterion_means: dict[int, float] = field(default_factory=dict)
    recommendations: Counter = field(default_factory=Counter)
    excluded: int = 0  # submitted reviews left out because of a conflict of interest

    @property
    def conflicting(self) -> bool:
        """Some experts recommend it and some do not."""
        return bool(
            self.recommendations[Recommendation.recommend] and self.recommendations[Recommendation.not_recommended]
        )


def rank_round(round_id: int, *, k: int = 3) -> list[RankedProposal]:
    """Every proposal under review with its aggregates, best mean first (unreviewed ones last).

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

    ranked = []
    for proposal in queries.round_proposals(round_id):
        pairs = [(proposal.id, expert_id) for expert_id in sorted(experts_of[proposal.id])]
        counted = [pair for pair in pairs if pair not in conflicted]
        totals = [t for t in (weighted_total(values[pair], criteria) for pair in counted) if t is not None]
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
                criterion_means=means,
                recommendations=recommendations[proposal.id],
                excluded=len(pairs) - len(counted),
            )
        )
    ranked.sort(key=lambda row: (row.mean is None, -(row.mean or 0), row.proposal.id))
    return ranked
