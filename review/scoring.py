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
