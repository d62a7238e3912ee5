"""The unit of work for uploaded files: the files follow the transaction.

Stored, committed, then the files let go of removed; or, when anything fails, the new files
removed and the old kept. A file that cannot be removed once the change is made is logged,
never raised: the change has been made.
"""

import logging
from pathlib import Path

import pytest

from learning.media import files as files_module
from learning.media.files import FileChanges


class Session:
    """What the unit of work asks of a session: commit and roll back, as recorded here."""

    def __init__(self, failing_commit=False):
        self.calls = []
        self.failing_commit = failing_commit

    def commit(self):
        self.calls.append("commit")
        if self.failing_commit:
            raise RuntimeError("the database went away")

    def rollback(self):
        self.calls.append("rollback")


def _file(root: Path, relative: str) -> str:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"data")
    return relative


def _stored(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_success_commits_then_removes_the_replaced_files(tmp_path):
    old = _file(tmp_path, "course/readings/old.pdf")
    session = Session()
    with FileChanges(tmp_path, session=session) as files:
        files.releasing({old})
        new = files.new(_file(tmp_path, "course/readings/new.pdf"))
        assert _stored(tmp_path) == {old, new}
    assert session.calls == ["commit"]
    assert _stored(tmp_path) == {new}


def test_a_released_file_still_in_use_stays(tmp_path):
    kept = _file(tmp_path, "course/recordings/shared.vtt")
    gone = _file(tmp_path, "course/recordings/old.webm")
    asked = []

    def in_use(paths):
        asked.append(set(paths))
        return {kept} & paths

    with FileChanges(tmp_path, in_use=in_use, session=Session()) as files:
        files.releasing({kept, gone})
    assert asked == [{kept, gone}]
    assert _stored(tmp_path) == {kept}


def test_an_exception_rolls_back_removes_the_new_files_and_keeps_the_old(tmp_path):
    old = _file(tmp_path, "course/readings/old.pdf")
    session = Session()
    with pytest.raises(ValueError), FileChanges(tmp_path, session=session) as files:
        files.releasing({old})
        files.new(_file(tmp_path, "course/readings/new.pdf"))
        raise ValueError("refused")
    assert session.calls == ["rollback"]
    assert _stored(tmp_path) == {old}


def test_a_discarded_change_rolls_back_and_removes_the_new_files(tmp_path):
    old = _file(tmp_path, "course/readings/old.pdf")
    session = Session()
    with FileChanges(tmp_path, session=session) as files:
        files.releasing({old})
        files.new(_file(tmp_path, "course/readings/new.pdf"))
        files.discard()
    assert session.calls == ["rollback"]
    assert _stored(tmp_path) == {old}


def test_a_failing_commit_removes_the_new_files_and_keeps_the_old(tmp_path):
    old = _file(tmp_path, "course/readings/old.pdf")
    session = Session(failing_commit=True)
    with pytest.raises(RuntimeError), FileChanges(tmp_path, session=session) as files:
        files.releasing({old})
        files.new(_file(tmp_path, "course/readings/new.pdf"))
    assert session.calls == ["commit", "rollback"]
    assert _stored(tmp_path) == {old}


def test_a_failing_removal_after_the_commit_is_logged_not_raised(tmp_path, monkeypatch,
                                                                  caplog):
    old = _file(tmp_path, "course/readings/old.pdf")
    other = _file(tmp_path, "course/readings/other.pdf")
    real_remove = files_module.remove_stored

    def remove(media_root, relative):
        if relative == old:
            raise PermissionError("read-only")
        real_remove(media_root, relative)

    monkeypatch.setattr(files_module, "remove_stored", remove)
    session = Session()
    with caplog.at_level(logging.ERROR), FileChanges(tmp_path, session=session) as files:
        files.releasing({old, other})
        new = files.new(_file(tmp_path, "course/readings/new.pdf"))
    assert session.calls == ["commit"]
    assert _stored(tmp_path) == {old, new}
    assert "Could not remove the media file course/readings/old.pdf" in caplog.text


def test_a_failing_question_after_the_commit_is_logged_not_raised(tmp_path, caplog):
    old = _file(tmp_path, "course/readings/old.pdf")

    def in_use(paths):
        raise RuntimeError("the database went away")

    with caplog.at_level(logging.ERROR), FileChanges(tmp_path, in_use=in_use,
                                                     session=Session()) as files:
        files.releasing({old})
    assert _stored(tmp_path) == {old}
    assert "still in use" in caplog.text


def test_a_change_without_files_only_commits(tmp_path):
    session = Session()
    with FileChanges(tmp_path, session=session):
        pass
    assert session.calls == ["commit"]
    assert _stored(tmp_path) == set()
