"""What the queues the background worker drains share: who a worker is, and claiming a row before working on it.

A worker claims a row with one conditional UPDATE (the same on SQLite and PostgreSQL), committed before the work
begins, so two workers never take the same row; the claim lapses at a time the row keeps, so the rows of a worker
that died are taken again.
"""

import os
import socket
import threading

from sqlalchemy import ColumnElement, update

from extensions import db


def worker_name() -> str:
    """This thread of this process on this machine, as claims name it."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def claim(model, row_id: int, *, due: ColumnElement[bool], **values):
    """Take the row `row_id` of `model` if it is `due` (checked by the UPDATE itself), setting `values`; commit.

    Return the row, or None when another worker took it first.
    """
    claimed = db.session.execute(
        update(model).where(model.id == row_id, due).values(**values).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(model, row_id) if claimed == 1 else None
