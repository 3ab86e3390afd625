"""Pure arithmetic of review scores, with no database."""


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
    ordered = sorted(totals)
    n = len(ordered)
    mean = sum(ordered) / n
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    stdev = (sum((t - mean) ** 2 for t in ordered) / (n - 1)) ** 0.5 if n > 1 else 0.0
    return {"n": n, "mean": mean, "median": median, "stdev": stdev, "range": ordered[-1] - ordered[0]}


def trimmed_mean(totals: list[float]) -> float | None:
    """去掉一个最高分和一个最低分: the mean without the highest and the lowest total, from five reviews on."""
    if len(totals) < 5:
        return None
    ordered = sorted(totals)[1:-1]
    return sum(ordered) / len(ordered)


def calibrate(
    observations: list[tuple[int, int, float]], *, shrinkage: float = 2.0, sweeps: int = 200
) -> tuple[dict[int, float], dict[int, float]]:
    """Fit total = proposal quality + expert bias + noise by regularised least squares.

    `observations` are (proposal, expert, total). Minimises Σ(total − q − b)² + shrinkage·Σb², so an
    expert's bias is estimated from all their reviews and pulled towards 0 when they wrote few; unlike
    per-expert z-scores an expert who drew weaker proposals is not taken for a harsh one.
    Returns (quality by proposal, bias by expert), solved by alternating exact minimisation.
    """
    by_proposal, by_expert = {}, {}
    for proposal, expert, total in observations:
        by_proposal.setdefault(proposal, []).append((expert, total))
        by_expert.setdefault(expert, []).append((proposal, total))
    bias = dict.fromkeys(by_expert, 0.0)
    quality = {}
    for _ in range(sweeps):
        quality = {p: sum(t - bias[e] for e, t in rows) / len(rows) for p, rows in by_proposal.items()}
        new_bias = {e: sum(t - quality[p] for p, t in rows) / (len(rows) + shrinkage) for e, rows in by_expert.items()}
        change = max((abs(new_bias[e] - bias[e]) for e in bias), default=0.0)
        bias = new_bias
        if change < 1e-9:
            break
    quality = {p: sum(t - bias[e] for e, t in rows) / len(rows) for p, rows in by_proposal.items()}
    return quality, bias
