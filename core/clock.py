"""The district's clock: what "now" and "today" are where the reform office works (the TIMEZONE setting).

Times are stored in UTC (`core.models.utcnow`); a date a person reads or a rule decides on (the day a
suggestion came in, whether a window has closed, whether a deadline has passed) is the district's date, which
the server's own clock gets wrong for eight hours a day when the server runs on UTC.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def zone() -> ZoneInfo:
    """The district's time zone (TIMEZONE, Asia/Shanghai by default)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_now() -> datetime:
    """Now, as an aware datetime in the district's zone."""
    return datetime.now(zone())


def today() -> date:
    """The district's date today."""
    return local_now().date()
