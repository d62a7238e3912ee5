"""Every row of the database taken once and put back later: a costly world made once.

A test module whose tests each need the same many-table world (the permission matrix
makes one for every route, and again for each visitor that changed it) makes it once per
process with the application's own services, takes its rows with `take`, and puts them
back into the emptied database with `restore`: the same rows, ids included, in a few
milliseconds instead of a few hundred. What lives outside the database (files, caches) is
the test module's to put back.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, text


@dataclass(frozen=True)
class Snapshot:
    """The rows of each table, by table name, in the order the tables are made.

    On PostgreSQL, with each id sequence of a table holding rows and the largest id taken.
    """

    rows: dict[str, list[dict]]
    last_ids: dict[str, int] = field(default_factory=dict)  # by sequence name


def table_rows(db) -> dict[str, list[dict]]:
    """Every row of every table as committed, by table name, in the order they are made."""
    rows = {table.name: [dict(row) for row in db.session.execute(select(table)).mappings()]
            for table in db.metadata.sorted_tables}
    db.session.rollback()
    return rows


def take(db) -> Snapshot:
    """Every row of every table, as committed, and on PostgreSQL the ids' sequences."""
    rows = table_rows(db)
    last_ids = {}
    if db.engine.dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            if not rows[table.name] or "id" not in table.c:
                continue
            sequence = db.session.scalar(
                select(func.pg_get_serial_sequence(f'"{table.name}"', "id")))
            if sequence:
                last_ids[sequence] = max(row["id"] for row in rows[table.name])
        db.session.rollback()
    return Snapshot(rows, last_ids)


def restore(db, snapshot: Snapshot) -> None:
    """Put the rows back into the emptied tables, and commit.

    On PostgreSQL each id sequence then continues after the largest id restored, as it
    would after the inserts that made them (SQLite takes the next rowid from the table).
    """
    tables = {table.name: table for table in db.metadata.sorted_tables}
    for name, rows in snapshot.rows.items():
        if rows:
            db.session.execute(insert(tables[name]), rows)
    if snapshot.last_ids:
        names = list(snapshot.last_ids)
        calls = ", ".join(f"setval(:s{n}, :v{n})" for n in range(len(names)))
        db.session.execute(text(f"SELECT {calls}"), {
            **{f"s{n}": name for n, name in enumerate(names)},
            **{f"v{n}": snapshot.last_ids[name] for n, name in enumerate(names)}})
    db.session.commit()
