"""Building blocks shared by every package's models."""

import enum
from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL, shown in the configured zone."""
    return datetime.now(UTC).replace(tzinfo=None)


class LabelledEnum(enum.Enum):
    """An enum whose members carry a translated label for display (see each `_labels`)."""

    @property
    def label(self) -> str:
        return str(self._labels()[self])

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]
