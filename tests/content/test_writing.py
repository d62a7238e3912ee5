"""The rules the importer and the studio both write by (`content.writing`).

Positions: a row that changes place steps aside first, so that no two rows of a parent ever
hold one number (both databases check it per statement). Slugs: one shape, unique among
siblings, archived ones included. Archiving: one column, everything else kept. Deleting:
never a row someone has progress on.
"""

from datetime import UTC, datetime

import pytest

from learning.catalog.models import Course, Item, Module
from learning.content import writing
from learning.content.writing import SLUG_MAX, SLUG_PATTERN
from learning.instruments.models import Band, Dimension, Instrument
from learning.progress.models import Progress
from tests.factories import make_course, make_module, make_user


def _course_with_modules(db, count):
    course = make_course()
    for number in range(1, count + 1):
        make_module(course, slug=f"m{number}", position=number, items=False)
    db.session.expire(course)
    return course


def _order(db, course):
    db.session.expire_all()
    return [(module.slug, module.position) for module in course.modules]


def test_the_next_position_is_past_the_highest():
    assert writing.next_position([]) == 1
    assert writing.next_position([Module(position=3), Module(position=1)]) == 4


def test_a_swap_exchanges_two_places(db):
    course = _course_with_modules(db, 3)
    modules = list(course.modules)
    writing.swap(modules, modules[0], modules[2])
    assert _order(db, course) == [("m3", 1), ("m2", 2), ("m1", 3)]


def test_renumbering_closes_the_gaps_in_the_given_order(db):
    course = _course_with_modules(db, 3)
    first, second, third = course.modules
    third.position = 7
    db.session.flush()
    writing.renumber([third, first, second])
    assert _order(db, course) == [("m3", 1), ("m1", 2), ("m2", 3)]


def test_rows_standing_aside_leave_room_for_every_place_to_be_taken(db):
    course = _course_with_modules(db, 2)
    first, second = course.modules
    # Both move to places a new row is about to take: they stand past those too.
    writing.step_aside([first, second], course.modules, past=5)
    assert sorted(module.position for module in (first, second)) == [6, 7]


# Slugs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["a", "2024", "changing-mindsets", "module-2", "x" * SLUG_MAX])
def test_a_slug_is_lower_case_letters_and_digits_in_words_joined_by_single_hyphens(slug):
    assert SLUG_PATTERN.match(slug)


@pytest.mark.parametrize("slug", ["", "Mindsets", "two--hyphens", "-lead", "trail-",
                                  "with space", "under_score", "gestión", "a/b"])
def test_anything_else_is_not_a_slug(slug):
    assert not SLUG_PATTERN.match(slug)


@pytest.mark.parametrize("model", [Course, Module, Item, Instrument, Band, Dimension])
def test_every_slug_column_holds_slug_max_characters(model):
    # The content files check a slug against its column; the studio's forms against SLUG_MAX.
    assert model.__table__.c["slug"].type.length == SLUG_MAX


def test_sibling_slugs_count_archived_rows_and_leave_out_the_row_itself(db):
    course = _course_with_modules(db, 3)
    first, second, third = course.modules
    writing.set_archived(third, True)
    assert writing.sibling_slugs(course.modules) == {"m1", "m2", "m3"}
    assert writing.sibling_slugs(course.modules, leaving_out=first) == {"m2", "m3"}
    # An archived module can be restored: its slug stays taken.
    assert writing.slug_taken("m3", course.modules)
    # A row being edited may keep its own slug, but not take a sibling's.
    assert not writing.slug_taken("m1", course.modules, leaving_out=first)
    assert writing.slug_taken("m1", course.modules, leaving_out=second)
    assert not writing.slug_taken("m4", course.modules)


def test_a_free_slug_is_made_from_the_text_and_numbered_past_those_taken():
    assert writing.free_slug("Changing Mindsets", set(), "module") == "changing-mindsets"
    assert writing.free_slug("Changing Mindsets", {"changing-mindsets"},
                             "module") == "changing-mindsets-2"
    assert writing.free_slug("changing-mindsets", {"changing-mindsets", "changing-mindsets-2"},
                             "module") == "changing-mindsets-3"


def test_a_text_a_slug_cannot_carry_gives_the_fallback():
    assert writing.free_slug("数字政府", set(), "reading") == "reading"
    assert writing.free_slug("", {"reading"}, "reading") == "reading-2"


def test_a_free_slug_is_a_slug_that_fits_its_column_even_when_numbered():
    long_title = "Digital government and changing mindsets " * 4
    first = writing.free_slug(long_title, set(), "module")
    second = writing.free_slug(long_title, {first}, "module")
    for slug in (first, second):
        assert SLUG_PATTERN.match(slug) and len(slug) <= SLUG_MAX
    assert second != first and second.endswith("-2")


# Archiving and deleting ----------------------------------------------------------------------


def _progress_on(db, item, *emails):
    for email in emails:
        user = make_user(email)
        db.session.add(Progress(user_id=user.id, item_id=item.id, status="complete",
                                completed_at=datetime.now(UTC)))
    db.session.flush()


def test_archiving_sets_one_column_and_keeps_place_slug_publication_and_progress(db):
    module = make_module(make_course())
    reading = module.items[1]
    reading.is_published = False
    _progress_on(db, reading, "pat@example.org")
    before = (reading.position, reading.slug, reading.is_published, reading.module_id)

    writing.set_archived(reading, True)
    db.session.expire_all()
    reading = db.session.get(Item, reading.id)
    assert reading.is_archived
    assert (reading.position, reading.slug, reading.is_published, reading.module_id) == before
    assert writing.progress_on([reading]) == {reading.id: 1}

    writing.set_archived(reading, False)
    db.session.expire_all()
    reading = db.session.get(Item, reading.id)
    assert not reading.is_archived
    assert (reading.position, reading.slug, reading.is_published, reading.module_id) == before


def test_archiving_a_module_leaves_its_items_as_they_are(db):
    module = make_module(make_course())
    writing.set_archived(module.items[0], True)
    writing.set_archived(module, True)
    db.session.expire_all()
    module = db.session.get(Module, module.id)
    assert module.is_archived
    assert [item.is_archived for item in module.items] == [True, False, False]


def test_rows_someone_has_progress_on_may_not_be_deleted(db):
    module = make_module(make_course())
    recording, reading, _assessment = module.items
    _progress_on(db, reading, "pat@example.org", "sam@example.org")
    people = writing.progress_on(module.items)
    assert people == {reading.id: 2}
    assert writing.may_delete([recording], people)
    assert not writing.may_delete([reading], people)
    # A module goes only if nobody has progress on any of its items.
    assert not writing.may_delete(module.items, people)
    assert writing.may_delete([], people)
