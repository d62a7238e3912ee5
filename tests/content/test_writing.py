"""Positions, written one way by the importer and the studio: a row that changes place steps
aside first, so that no two rows of a parent ever hold one number (both databases check it
per statement)."""

from learning.catalog.models import Module
from learning.content import writing
from tests.factories import make_course, make_module


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
