"""A course with two issuers, a cohort, and people in every role around one certificate."""

from dataclasses import dataclass

import pytest

from learning.certificates import services
from learning.database import db
from learning.progress import services as progress
from tests import factories

PARTICIPANT = "zoe@example.gov"
NAME = "Zoë Ångström-Ñúñez"
COURSE_TITLE = "Innovation, Digital Government and Changing Mindsets"


@dataclass
class World:
    course: object
    module: object
    cohort: object
    participant: object
    other: object
    facilitator: object
    stranger_facilitator: object
    manager: object
    admin: object


@pytest.fixture
def world(app):
    course = factories.make_course(slug="mindsets", title=COURSE_TITLE)
    course.issuers = ["CARICAD", "UN DESA/DPIDG"]
    module = factories.make_module(course, slug="one")
    cohort = factories.make_cohort(course, name="Caribbean cohort 2024")
    participant = factories.make_user(PARTICIPANT, name=NAME)
    other = factories.make_user("other@example.gov", name="Jean-Baptiste Pétion-Ville")
    facilitator = factories.make_user("facilitator@example.org", "facilitator", name="Fay Cil")
    course.facilitators.append(facilitator)
    stranger = factories.make_user("stranger@example.org", "facilitator", name="Stan Ger")
    manager = factories.make_user("manager@example.org", "manager", name="Mona Ger")
    cohort.managers.append(manager)
    admin = factories.make_user("admin@example.org", "admin", name="Ada Min")
    factories.enrol(participant, cohort)
    factories.enrol(other, cohort)
    db.session.commit()
    return World(course, module, cohort, participant, other, facilitator, stranger, manager,
                 admin)


def complete(user, module):
    """Complete every item of the module for the user, as the learning flow would."""
    for item in module.items:
        progress.mark_complete(user.id, item, "read")
    db.session.commit()


@pytest.fixture
def certificate(world):
    complete(world.participant, world.module)
    return services.certificate_for(world.participant.id, world.course.id)
