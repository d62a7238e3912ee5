"""Helpers for the content tests: a copy of the fixture course to edit, and table snapshots."""

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from learning.database import db

FIXTURE = Path(__file__).parent / "fixtures" / "course"
CONTENT_TABLES = ("course", "module", "item", "instrument", "dimension", "statement", "band",
                  "feedback", "progress")


@pytest.fixture
def content_dir(tmp_path, app) -> Path:
    """A fresh, editable copy of the fixture course (in an application context)."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the content tables (and progress), to compare before and after."""
    db.session.expire_all()
    rows = {}
    for name in CONTENT_TABLES:
        table = db.metadata.tables[name]
        rows[name] = [tuple(row) for row in db.session.execute(
            select(table).order_by(*table.primary_key.columns)
        )]
    return rows


def edit_yaml(path: Path, change) -> None:
    """Load a YAML file, let `change` edit the data in place, and write it back."""
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under the directory, by relative path, with its bytes."""
    return {path.relative_to(directory).as_posix(): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}
