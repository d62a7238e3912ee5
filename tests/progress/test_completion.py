"""One completion rule: pages, certificates, self-assessments and the bulk form agree.

Each caller is asked the same question about the same participants; the answers must match,
including for a course that requires nothing (never complete, so no certificate), and
changing what is required changes every answer at once.
"""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from learning.catalog.models import Item
from learning.catalog.outline import outline
from learning.certificates import services as certificates
from learning.cohorts.models import Enrolment
from learning.database import db
from learning.progress import completion, rules, services
from tests import factories


def test_the_rule_in_numbers():
    assert rules.is_complete(3, 3)
    assert not rules.is_complete(2, 3)
    assert not rules.is_complete(0, 0)  # nothing required: nothing to certify
    assert rules.nothing_left(0, 0)  # ...though nothing is left to do either
    assert rules.status(0, 0, started=True) == rules.IN_PROGRESS
    assert rules.status(0, 0, started=False) == rules.NOT_STARTED
    assert rules.status(3, 3, started=True) == rules.COMPLETE
    assert rules.percent(0, 0) == 0


@pytest.fixture
def cohort_of_three(app):
    """A course of two modules; Ada completes everything, Ben one item, Cy nothing."""
    course = factories.make_course()
    first = factories.make_module(course, slug="first", position=1)
    second = factories.make_module(course, slug="second", position=2)
    cohort = factories.make_cohort(course)
    people = {}
    for name in ("ada", "ben", "cy"):
        people[name] = factories.make_user(f"{name}@example.org", name=name.title())
        factories.enrol(people[name], cohort)
    db.session.commit()
    for item in factories.required_items(course):
        services.mark_complete(people["ada"].id, item, "read")
    services.mark_complete(people["ben"].id, first.items[1], "read")
    db.session.commit()
    return course, [first, second], cohort, people


def answers(course, modules, cohort, people) -> dict[str, dict[str, bool]]:
    """Whether the course is complete for each person, by each caller of the rule."""
    enrolled = select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)
    bulk = completion.completers(course.id, enrolled)
    # What the pages hold: the modules and items participants see, from the outline.
    pages_modules = outline(course.id, course.outline_version).visible_modules(preview=False)
    found = {}
    for name, user in people.items():
        found[name] = {
            "pages": services.course_progress(user.id, pages_modules).overall.is_finished,
            "certificates": certificates.issue_if_due(user.id, course) is not None,
            "one query": completion.is_course_complete(user.id, course.id),
            "bulk": user.id in bulk,
        }
    return found


def test_every_caller_gives_the_same_answer(cohort_of_three):
    found = answers(*cohort_of_three)
    assert found == {
        "ada": dict.fromkeys(found["ada"], True),
        "ben": dict.fromkeys(found["ben"], False),
        "cy": dict.fromkeys(found["cy"], False),
    }


def test_a_course_that_requires_nothing_is_complete_for_no_one(cohort_of_three):
    course, modules, cohort, people = cohort_of_three
    for module in modules:
        for item in module.items:
            item.is_required = False
    db.session.flush()
    found = answers(course, modules, cohort, {"cy": people["cy"]})
    assert found["cy"] == dict.fromkeys(found["cy"], False)
    progress = services.course_progress(people["cy"].id, modules)
    assert progress.overall.status == rules.NOT_STARTED
    assert progress.overall.percent == 0
    # A self-assessment's "after" waits for the rest of the course: nothing is left.
    assessment = modules[0].items[2]
    assert completion.nothing_left_but(people["cy"].id, course.id, {assessment.id})


def test_changing_what_is_required_changes_every_answer_at_once(cohort_of_three):
    course, modules, cohort, people = cohort_of_three
    ada = people["ada"]
    certificates.issue_if_due(ada.id, course)  # issued while complete: it stays issued
    second_reading = modules[1].items[1]
    services.mark_started(people["ben"].id, second_reading)
    for item in factories.required_items(course):
        if item.id != second_reading.id:
            services.mark_complete(people["ben"].id, item, "read")
    db.session.commit()
    assert answers(*cohort_of_three)["ben"]["bulk"] is False
    second_reading.is_required = False
    db.session.commit()
    found = answers(*cohort_of_three)
    assert found["ben"] == dict.fromkeys(found["ben"], True)


def test_a_draft_item_counts_for_nothing_until_it_is_published(cohort_of_three):
    course, modules, cohort, people = cohort_of_three
    draft = Item(module=modules[0], slug="draft", position=9, kind="reading", title="Draft",
                 body_html="<p>Soon.</p>", is_required=True, is_published=False)
    db.session.add(draft)
    db.session.commit()
    assert draft.id not in set(db.session.scalars(completion.required_items(course.id)))
    found = answers(*cohort_of_three)
    assert found["ada"] == dict.fromkeys(found["ada"], True)

    draft.is_published = True
    db.session.commit()
    assert draft.id in set(db.session.scalars(completion.required_items(course.id)))
    # Ada's certificate, issued above, stands; by the rule alone she has one item left.
    assert completion.is_course_complete(people["ada"].id, course.id)
    assert not completion.meets_the_rule(people["ada"].id, course.id)


def test_my_learning_congratulates_exactly_the_completers(client, auth, cohort_of_three):
    _, _, _, people = cohort_of_three
    for name, finished in (("ada", True), ("ben", False)):
        auth.login(people[name].email)
        page = BeautifulSoup(client.get("/learning").text, "html.parser")
        assert (page.select_one("section.congratulations") is not None) is finished
        auth.logout()
