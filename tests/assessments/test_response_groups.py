"""Groups are fixed when the answer is given: a later profile edit moves no answer."""

from learning.assessments import aggregates, answering, privacy
from learning.assessments.models import Response
from learning.database import db
from tests.factories import enrol, make_user


def answer_as(world, email, country, organisation, values):
    """A new participant of the cohort from this country and organisation submits answers."""
    user = make_user(email, name=email, country=country, organisation=organisation)
    enrol(user, world.cohort)
    instrument, item = world.single, world.modules[1].items[2]
    keys = [str(s.id) for d in instrument.dimensions for s in d.statements]
    answering.save_response(user.id, instrument, item, "single",
                           dict(zip(keys, values, strict=True)), True)
    db.session.commit()
    return user


def group(world, **where):
    return aggregates.aggregate(world.single, world.cohort, "single",
                              privacy.group_condition(**where))


def test_the_answer_records_the_profile_at_submission(app, world):
    user = answer_as(world, "target@example.org", "BB", "Treasury", (5, 1))
    user.country, user.organisation = "JM", "Health"
    db.session.commit()
    response = db.session.scalar(db.select(Response).where(Response.user_id == user.id))
    assert (response.country, response.organisation) == ("BB", "Treasury")


def test_profile_moves_change_nothing_a_group_counts(app, world):
    # The attack: four accounts of the insider's own answer with all 3s (50), then edit their
    # profiles to the target's country and organisation, hoping the target's group becomes
    # the target plus four known answers.
    answer_as(world, "target@example.org", "BB", "Treasury", (5, 1))  # 100
    for n in range(4):
        answer_as(world, f"bb-{n}@example.org", "BB", "Health", (4, 2))  # 75
    insiders = [answer_as(world, f"insider-{n}@example.org", "JM", "Audit", (3, 3))
                for n in range(5)]
    before = {key: group(world, **where) for key, where in {
        "country": {"country": "BB"}, "organisation": {"organisation": "Treasury"},
        "both": {"country": "BB", "organisation": "Treasury"}}.items()}
    for user in insiders:
        user.country, user.organisation = "BB", "Treasury"
    db.session.commit()
    after = {key: group(world, **where) for key, where in {
        "country": {"country": "BB"}, "organisation": {"organisation": "Treasury"},
        "both": {"country": "BB", "organisation": "Treasury"}}.items()}
    assert after == before
    assert after["country"].respondents == 5
    assert after["organisation"].is_enough is False and after["both"].is_enough is False
    # The insiders' answers still count where they were given.
    assert group(world, country="JM").respondents == 5
