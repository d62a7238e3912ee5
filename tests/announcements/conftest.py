"""Announcement tests: the shared world of tests/catalog/world.py, with a cohort of four.

Pat Participant (Barbados, joined now, nothing done), Ann Started (Jamaica, module one
finished), Sam Stalled (Barbados, joined 30 days ago, nothing done since) and Dee
Deactivated (an account that can no longer sign in).
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from learning.accounts.models import utcnow
from learning.progress import services as progress
from tests.catalog.world import sign_in_as, world  # noqa: F401, F811
from tests.factories import enrol, make_user


@pytest.fixture
def crowd(db, world):  # noqa: F811
    ann = make_user("ann@example.org", name="Ann Started", country="JM")
    sam = make_user("sam@example.org", name="Sam Stalled", country="BB")
    dee = make_user("dee@example.org", name="Dee Deactivated", country="BB", is_active=False)
    for person in (ann, sam, dee):
        enrol(person, world.cohort)
    sam_enrolment = next(e for e in world.cohort.enrolments if e.user_id == sam.id)
    sam_enrolment.enrolled_at = utcnow() - timedelta(days=30)
    db.session.commit()
    for item in world.modules[0].items:
        progress.mark_complete(ann.id, item, "read")
    db.session.commit()
    return SimpleNamespace(pat=world.users["enrolled"], ann=ann, sam=sam, dee=dee)
