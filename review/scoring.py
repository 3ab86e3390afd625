"""Pure arithmetic of review scores, with no database."""


def normalised_weights(weights: list[float]) -> list[float]:
    """Return each weight as a percentage of their sum, so any weights add up to 100."""
    total = sum(weights)
    if total <= 0:
        return [0.0 for _ in weights]
    return [100.0 * weight / total for weight in weights]
