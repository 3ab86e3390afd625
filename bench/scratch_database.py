"""A PostgreSQL database of a benchmark's own, on the server of BENCH_POSTGRES_URL (nothing else there is touched)."""

import contextlib
import os
from collections.abc import Iterator

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def scratch_database(name: str, *, keep: bool = False) -> Iterator[str | None]:
    """The URL of the database `name`, made anew and dropped on the way out (unless `keep`); None when no server
    answers, which the benchmark reports as skipped."""
    base = make_url(os.environ.get("BENCH_POSTGRES_URL", SERVER))
    engine = create_engine(base, isolation_level="AUTOCOMMIT")

    def run(statement: str) -> None:
        with engine.connect() as connection:
            connection.execute(text(statement))

    try:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        run(f'CREATE DATABASE "{name}"')
    except OperationalError as error:
        print(f"[postgresql] skipped: {error.__class__.__name__}", flush=True)
        engine.dispose()
        yield None
        return
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()
