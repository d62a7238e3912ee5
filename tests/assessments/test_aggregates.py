"""Group results: only aggregates, only for groups of at least ASSESSMENT_MIN_GROUP."""

import re

import pytest

from learning.assessments import aggregates, answering
from learning.database import db
from tests.conftest import page
from tests.factories import enrol, make_user


def text(tag):
    return tag.get_text(" ", strip=True)


def respond(world, count, phase="single", values=(4, 2), cohort=None, start=0):
    """`count` new participants of the cohort, each submitting the same answers."""
    instrument = world.single if phase == "single" else world.before_after
    item = (world.modules[1] if phase == "single" else world.modules[0]).items[2]
    ids = [str(s.id) for d in instrument.dimensions for s in d.statements]
    for index in range(start, start + count):
        user = make_user(f"respondent-{index}@example.org", name=f"Respondent {index}")
        enrol(user, cohort or world.cohort)
        answering.save_response(user.id, instrument, item, phase, dict(zip(ids, values,
                                                                          strict=True)), True)
    db.session.commit()


def test_fewer_than_the_threshold_gives_no_figure(app, world):
    respond(world, 4)
    result = aggregates.aggregate(world.single, world.cohort, "single")
    assert result.is_enough is False
    assert result.respondents is None and result.dimensions is None


def test_at_the_threshold_the_group_gets_means_and_band_counts(app, world):
    respond(world, 3, values=(5, 1))  # 100
    respond(world, 2, values=(1, 5), start=3)  # 0
    result = aggregates.aggregate(world.single, world.cohort, "single")
    assert result.is_enough and result.respondents == 5
    [dimension] = result.dimensions
    assert dimension.mean == pytest.approx(60.0)
    assert dimension.band_counts == [("Emerging", 2), ("Established", 3)]


def test_other_cohorts_drafts_and_other_phases_do_not_count(app, world):
    respond(world, 4)
    respond(world, 3, cohort=world.other_cohort, start=10)
    user = world.users["participant"]
    ids = [str(s.id) for d in world.single.dimensions for s in d.statements]
    answering.save_response(user.id, world.single, world.modules[1].items[2], "single",
                           {ids[0]: 3}, False)
    db.session.commit()
    assert aggregates.aggregate(world.single, world.cohort, "single").is_enough is False
    assert aggregates.aggregate(world.before_after, world.cohort, "before").is_enough is False


def test_the_threshold_is_configuration(app, world):
    respond(world, 2)
    app.config["ASSESSMENT_MIN_GROUP"] = 2
    assert aggregates.aggregate(world.single, world.cohort, "single").respondents == 2
    app.config["ASSESSMENT_MIN_GROUP"] = 3
    assert aggregates.aggregate(world.single, world.cohort, "single").is_enough is False


URL = "/cohorts/{id}/assessments"


@pytest.fixture
def exact(app):
    """A privacy budget so large that released figures read as the exact ones."""
    app.config.update(ASSESSMENT_EPSILON=1e7, ASSESSMENT_RELEASE_EPSILON=1e6)


@pytest.mark.parametrize(("who", "status"), [
    ("participant", 403), ("outsider", 403), ("other_facilitator", 403),
    ("other_manager", 403), ("facilitator", 200), ("manager", 200), ("admin", 200),
])
def test_the_cohort_page_is_for_facilitators_managers_and_admins(client, world, sign_in_as,
                                                                who, status):
    sign_in_as(who)
    assert client.get(URL.format(id=world.cohort.id)).status_code == status


def test_unknown_cohort_is_not_found(client, world, sign_in_as):
    sign_in_as("admin")
    assert client.get(URL.format(id=9999)).status_code == 404


def figures(soup):
    return re.findall(r"\d", " ".join(text(t) for t in soup.select("main table")))


def test_with_four_respondents_the_page_shows_no_number(client, world, sign_in_as, exact):
    respond(world, 4)
    respond(world, 4, phase="before", start=20)
    sign_in_as("manager")
    soup = page(client.get(URL.format(id=world.cohort.id)))
    assert soup.select("main table") == []
    notes = [text(p) for p in soup.select("p.release-status")]
    assert notes.count("4 answers so far: too few answers yet for a useful figure") == 2
    assert "Respondent" not in text(soup.main)


def test_with_five_respondents_only_aggregates_appear(client, world, sign_in_as, exact):
    respond(world, 5, values=(4, 2))
    sign_in_as("facilitator")
    soup = page(client.get(URL.format(id=world.cohort.id)))
    [table] = soup.select("main table")
    rows = [[text(c) for c in r.find_all(["th", "td"])] for r in table.select("tr")]
    assert rows == [["Area", "Mean score", "Emerging", "Established"],
                    ["Learning mindset", "75.0 ± 0", "0 ± 0", "5 ± 0"]]
    assert "5 responses" in text(table.caption)
    assert "Respondent" not in text(soup.main)
    assert "respondent-" not in soup.get_text()


def test_the_shift_needs_both_phases_at_the_threshold(client, world, sign_in_as, exact):
    respond(world, 5, phase="before", values=(2, 4))  # 25.0
    sign_in_as("manager")
    soup = page(client.get(URL.format(id=world.cohort.id)))
    assert "The shift is shown once both" in text(soup.main)
    assert "differential privacy" in text(soup.select_one(".protection"))
    users = [u for u in world.cohort.enrolments]
    instrument, item = world.before_after, world.modules[0].items[2]
    ids = [str(s.id) for d in instrument.dimensions for s in d.statements]
    for enrolment in users[-5:]:
        answering.save_response(enrolment.user_id, instrument, item, "after",
                               dict(zip(ids, (4, 1), strict=True)), True)  # 87.5
    db.session.commit()
    soup = page(client.get(URL.format(id=world.cohort.id)))
    shift = soup.find("caption", string=re.compile("Change in the group")).find_parent("table")
    rows = [[text(c) for c in r.find_all(["th", "td"])] for r in shift.select("tr")]
    assert rows[1] == ["Learning mindset", "25.0", "87.5", "+62.5 ± 0"]


def test_the_cohort_page_links_to_the_group_results(client, world, sign_in_as):
    sign_in_as("manager")
    soup = page(client.get(f"/cohorts/{world.cohort.id}"))
    link = soup.find("a", string="Self-assessment results (group totals only)")
    assert link["href"] == URL.format(id=world.cohort.id)
