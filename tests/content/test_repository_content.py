"""The course content kept in the repository's modules/ folder imports and round-trips."""

import re

import pytest
import yaml
from sqlalchemy import select

from learning.assessments.baseline import course_outline, open_before_ids
from learning.catalog.models import Course
from learning.config import ROOT
from learning.content.exporter import course_to_export, export_content
from learning.content.folder import validate_content
from learning.content.importer import import_content
from learning.database import db
from learning.instruments.models import LEVELS
from tests.content.conftest import snapshot, tree

MODULES = ROOT / "modules"

pytestmark = pytest.mark.skipif(not (MODULES / "course.yml").exists(),
                                reason="the course content (modules/course.yml) is not written yet")


def test_the_repository_content_has_no_problems():
    assert [str(error) for error in validate_content(MODULES)] == []


def test_the_course_description_leaves_counting_the_modules_to_the_pages():
    # The course page counts the modules from the data; prose with a number goes stale the
    # day a module is added.
    description = yaml.safe_load((MODULES / "course.yml").read_text())["description"]
    number = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
    assert re.findall(rf"\b{number}\s+(?:[\w-]+\s+)?modules?\b", description, re.I) == []


def test_the_repository_content_imports_four_modules_with_their_items(app):
    import_content(MODULES)
    db.session.commit()

    course = db.session.scalar(select(Course))
    assert course.title == ("Innovation, Digital Government and Changing Mindsets for Public "
                            "Sector Transformation")
    assert [module.position for module in course.modules] == [1, 2, 3, 4]
    levels = []
    for module in course.modules:
        kinds = [item.kind for item in module.items]
        assert kinds.count("recording") >= 1, module.slug
        assert 2 <= kinds.count("reading") <= 4, module.slug
        assert kinds.count("self_assessment") == 1, module.slug
        assert module.live_session_on is not None and module.outcomes, module.slug
        (assessment,) = [item for item in module.items if item.kind == "self_assessment"]
        instrument = assessment.instrument
        levels.append(instrument.level)
        assert 3 <= len(instrument.dimensions) <= 5, instrument.slug
        for dimension in instrument.dimensions:
            assert 3 <= len(dimension.statements) <= 5, dimension.slug
    assert levels == ["individual", "organisational", "organisational", "institutional"]


def test_every_level_has_a_before_and_after_open_to_someone_who_has_just_joined(app):
    import_content(MODULES)
    db.session.commit()

    course = db.session.scalar(select(Course))
    instruments = [item.instrument for module in course.modules for item in module.items
                   if item.instrument is not None]
    assert {i.level for i in instruments if i.is_before_after} == set(LEVELS)
    # Each starting point is open on joining, and stays open until its own module is begun.
    outline = course_outline(course)
    before_after = {item.id for item in outline if item.is_before_after}
    assert len(before_after) == 4
    assert open_before_ids(outline, []) == before_after
    first_module = {item.id for item in course.modules[0].items}
    assert len(open_before_ids(outline, first_module)) == 3


def test_the_repository_content_round_trips(app, tmp_path):
    import_content(MODULES)
    db.session.commit()
    export_content(course_to_export(), tmp_path / "b")
    before = snapshot()

    report = import_content(tmp_path / "b")
    db.session.commit()

    assert not report.changed
    assert snapshot() == before
    export_content(course_to_export(), tmp_path / "c")
    assert tree(tmp_path / "c") == tree(tmp_path / "b")
