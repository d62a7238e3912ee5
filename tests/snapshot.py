"""Every row of the database taken once and put back later: a costly world made once.

A test module whose tests each need the same many-table world (the permission matrix
makes one for every route, and again for each visitor that changed it) makes it once per
process with the application's own services, takes its rows with `take`, and puts them
back into the emptied database with `restore`: the same rows, ids included, in a few
milliseconds instead of a few hundred. What lives outside the database (files, caches) is
the test module's to put back.
"""

from dataclasses import dataclass

from sqlalchemy import func, insert, select, text


@dataclass(frozen=True)
class Snapshot:
    """The rows of each table, by table name, in the order the tables are made."""

    rows: dict[str, list[dict]]


def take(db) -> Snapshot:
    """Every row of every table, as committed."""
    rows = {table.name: [dict(row) for row in db.session.execute(select(table)).mappings()]
            for table in db.metadata.sorted_tables}
    db.session.rollback()
    return Snapshot(rows)


def restore(db, snapshot: Snapshot) -> None:
    """Put the rows back into the emptied tables, and commit.

    On PostgreSQL each id sequence then continues after the largest id restored, as it
    would after the inserts that made them (SQLite takes the next rowid from the table).
    """
    tables = {table.name: table for table in db.metadata.sorted_tables}
    for name, rows in snapshot.rows.items():
        if rows:
            db.session.execute(insert(tables[name]), rows)
    if db.engine.dialect.name == "postgresql":
        for name, rows in snapshot.rows.items():
            table = tables[name]
            if not rows or "id" not in table.c or table.c.id.autoincrement is False:
                continue
            sequence = db.session.scalar(select(func.pg_get_serial_sequence(f'"{name}"', "id")))
            if sequence:
                db.session.execute(text("SELECT setval(:sequence, :last)"),
                                   {"sequence": sequence, "last": max(r["id"] for r in rows)})
    db.session.commit()
