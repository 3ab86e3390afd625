"""Saving an edit made from a form: refused when someone else saved the record after the form was opened."""

from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from accounts.queries import changes_since
from core.errors import EditConflict
from core.models import Versioned
from extensions import db


def _conflict(obj: Versioned, version: int) -> EditConflict:
    return EditConflict("edited_meanwhile", version=obj.lock_version, changes=changes_since(obj, version))


@contextmanager
def saving(obj: Versioned, expected_version: int | None):
    """Run a service's change of `obj`, made from a form opened when `obj` was at `expected_version`.

    A record saved since then is refused before anything is written; one saved between that check and the
    write (the version counter's StaleDataError) is refused too, everything rolled back. None (a caller that
    opened no form: the command line) skips the first check, not the second.
    """
    loaded = obj.lock_version
    if expected_version is not None and loaded != expected_version:
        raise _conflict(obj, expected_version)
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise _conflict(obj, loaded) from None
