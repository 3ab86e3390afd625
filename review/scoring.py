"""Pure arithmetic of review scores, with no database."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from math import fsum, sqrt
from statistics import fmean


def normalised_weights(weights: list[float]) -> list[float]:
    """Return each weight as a percentage of their sum, so any weights add up to 100."""
    total = sum(weights)
    if total <= 0:
        return [0.0 for _ in weights]
    return [100.0 * weight / total for weight in weights]


def weighted_total(values: dict[int, int], criteria: list[tuple[int, float, int]]) -> float | None:
    """A review's total on 0–100: each criterion's score as a share of its maximum, weighted.

    `criteria` are (id, weight, maximum); None when a criterion is not scored.
    """
    total_weight = sum(weight for _id, weight, _max in criteria)
    if total_weight <= 0 or any(criterion_id not in values for criterion_id, _w, _m in criteria):
        return None
    return 100.0 * sum(weight * values[cid] / maximum for cid, weight, maximum in criteria) / total_weight


def summarise(totals: list[float]) -> dict:
    """n, mean, median, standard deviation (sample) and range of a proposal's review totals."""
    if not totals:
        return {"n": 0, "mean": None, "median": None, "stdev": None, "range": None}
    n, mean, ordered = len(totals), fmean(totals), sorted(totals)
    middle = n // 2
    # In floats: statistics.stdev sums exact fractions, over ten times slower, for the same value to 12 digits.
    return {
        "n": n,
        "mean": mean,
        "median": ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2,
        "stdev": sqrt(fsum((t - mean) ** 2 for t in totals) / (n - 1)) if n > 1 else 0.0,
        "range": ordered[-1] - ordered[0],
    }


def trimmed_mean(totals: list[float]) -> float | None:
    """去掉一个最高分和一个最低分: the mean without the highest and the lowest total, from five reviews on."""
    if len(totals) < 5:
        return None
    return fmean(sorted(totals)[1:-1])


def standings(reviews: Iterable[tuple[int, int, float | None, bool, str | None]]) -> tuple[dict[int, dict], dict]:
    """Each proposal's aggregates and each expert's bias, from a round's submitted reviews as (proposal, expert,
    weighted total, conflicted, recommendation's value).

    A conflicted review is only counted as left out; a review without a total (no counted criterion) still
    counts its recommendation. Returns (the aggregates by proposal, as the columns of a standing; bias by expert).
    """
    totals, excluded, recommendations, observations = defaultdict(list), Counter(), defaultdict(Counter), []
    for proposal, expert, total, conflicted, recommendation in reviews:
        if conflicted:
            excluded[proposal] += 1
            continue
        if recommendation is not None:
            recommendations[proposal][recommendation] += 1
        if total is not None:
            totals[proposal].append(total)
            observations.append((proposal, expert, total))
    quality, biases = calibrate(observations)
    aggregates = {}
    for proposal in totals.keys() | excluded.keys() | recommendations.keys():
        values = totals.get(proposal, [])
        stats = summarise(values)
        aggregates[proposal] = {
            "n": stats["n"],
            "mean": stats["mean"],
            "median": stats["median"],
            "stdev": stats["stdev"],
            "spread": stats["range"],
            "trimmed": trimmed_mean(values),
            "calibrated": quality.get(proposal),
            "excluded": excluded[proposal],
            "recommendations": dict(recommendations[proposal]),
        }
    return aggregates, biases


def calibrate(observations: list[tuple[int, int, float]], *, shrinkage: float = 2.0) -> tuple[dict, dict]:
    """Fit total = proposal quality + expert bias + noise by regularised least squares.

    `observations` are (proposal, expert, total). Minimises Σ(total − q − b)² + shrinkage·Σb², so an
    expert's bias is estimated from all their reviews and pulled towards 0 when they wrote few; unlike
    per-expert z-scores an expert who drew weaker proposals is not taken for a harsh one.
    Each quality is the mean of its totals less the biases, so the biases alone solve a small linear
    system, one unknown per expert, built in one pass over the proposals.
    Returns (quality by proposal, bias by expert).
    """
    by_proposal: dict[int, list[tuple[int, float]]] = {}
    for proposal, expert, total in observations:
        by_proposal.setdefault(proposal, []).append((expert, total))
    experts = sorted({expert for _p, expert, _t in observations})
    index = {expert: i for i, expert in enumerate(experts)}
    size = len(experts)
    matrix = [[0.0] * size for _ in range(size)]
    rhs = [0.0] * size
    for i in range(size):
        matrix[i][i] = shrinkage
    for rows in by_proposal.values():
        n = len(rows)
        mean = fmean(total for _e, total in rows)
        for expert, total in rows:
            i = index[expert]
            matrix[i][i] += 1.0
            rhs[i] += total - mean
            for other, _total in rows:
                matrix[i][index[other]] -= 1.0 / n
    solved = _solve(matrix, rhs)
    bias = {expert: solved[index[expert]] for expert in experts}
    quality = {p: fmean(t - bias[e] for e, t in rows) for p, rows in by_proposal.items()}
    return quality, bias


def _solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the system is small and positive definite)."""
    size = len(rhs)
    a = [row[:] + [value] for row, value in zip(matrix, rhs, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for row in range(col + 1, size):
            factor = a[row][col] / a[col][col]
            if factor:
                for k in range(col, size + 1):
                    a[row][k] -= factor * a[col][k]
    solution = [0.0] * size
    for row in range(size - 1, -1, -1):
        solution[row] = (a[row][size] - sum(a[row][k] * solution[k] for k in range(row + 1, size))) / a[row][row]
    return solution
