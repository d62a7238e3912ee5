"""A cohort's time zone: chosen when it is created, the installation's default otherwise."""

import pytest
from sqlalchemy import func, select

from learning.cohorts import running
from learning.cohorts.models import Cohort
from learning.database import db
from learning.time_zones import is_time_zone, time_zone_names
from tests.conftest import page
from tests.factories import make_cohort


def new_cohort(client, world, **fields):
    return client.post("/cohorts/new", data={
        "name": "Ministry of Finance, spring", "course": world.course.id,
        "starts_on": "2024-02-21", "ends_on": "2024-03-27", **fields,
    })


def created(name="Ministry of Finance, spring"):
    return db.session.scalar(select(Cohort).where(Cohort.name == name))


def test_the_form_offers_every_time_zone_with_the_default_chosen(client, world, sign_in_as):
    sign_in_as("facilitator")
    soup = page(client.get("/cohorts/new"))
    select_ = soup.find("select", attrs={"name": "time_zone"})
    assert soup.find("label", attrs={"for": select_["id"]}).get_text(strip=True) == "Time zone"
    assert select_["aria-describedby"] == "time_zone-hint"
    options = {o["value"]: o for o in select_.find_all("option")}
    assert list(options) == list(time_zone_names())
    assert {"America/Port_of_Spain", "America/Jamaica", "Europe/London", "UTC"} <= set(options)
    assert "US/Eastern" not in options  # legacy aliases are not offered
    assert options["America/Port_of_Spain"].has_attr("selected")
    assert options["America/Port_of_Spain"].get_text() == "America/Port of Spain"


def test_a_cohort_is_created_in_the_time_zone_chosen(client, world, sign_in_as):
    sign_in_as("facilitator")
    response = new_cohort(client, world, time_zone="America/Jamaica")
    assert response.status_code == 302
    cohort = created()
    assert cohort.time_zone == "America/Jamaica"
    soup = page(client.get(response.headers["Location"]))
    details = dict(zip([dt.get_text(strip=True) for dt in soup.select("dl.details dt")],
                       [dd.get_text(" ", strip=True) for dd in soup.select("dl.details dd")],
                       strict=False))
    assert details["Time zone"] == "America/Jamaica"


def test_a_cohort_created_without_a_time_zone_takes_the_default(app, client, world, sign_in_as):
    app.config["DEFAULT_TIME_ZONE"] = "America/Barbados"
    sign_in_as("facilitator")
    assert new_cohort(client, world).status_code == 302
    assert created().time_zone == "America/Barbados"


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", "", "../../etc/passwd",
                                       "America/Port_of_Spain ", "US/Eastern"])
def test_a_time_zone_not_offered_is_refused(client, world, sign_in_as, time_zone):
    sign_in_as("facilitator")
    before = db.session.scalar(select(func.count(Cohort.id)))
    response = new_cohort(client, world, time_zone=time_zone)
    assert response.status_code == 200
    error = page(response).find(id="time_zone-error").get_text(" ", strip=True)
    assert error == ("Error: Choose a time zone from the list, such as "
                     "America/Port_of_Spain.")
    assert db.session.scalar(select(func.count(Cohort.id))) == before


def test_cohorts_made_elsewhere_take_the_default_and_refuse_unknown_zones(app, world):
    cohort = make_cohort(world.course, "Made by code", "CODEMADE22")
    assert cohort.time_zone == "America/Port_of_Spain"
    assert running.create_cohort(world.course, "Another", None, None).time_zone == (
        "America/Port_of_Spain")
    with pytest.raises(ValueError, match="unknown time zone"):
        cohort.time_zone = "Mars/Olympus_Mons"


def test_time_zone_names_are_the_ones_zoneinfo_knows():
    names = time_zone_names()
    assert names[0] == "UTC"
    assert list(names[1:]) == sorted(names[1:])
    assert all(is_time_zone(name) for name in names)
    assert not is_time_zone("Mars/Olympus_Mons")
    assert not is_time_zone("")
    assert not is_time_zone(None)
