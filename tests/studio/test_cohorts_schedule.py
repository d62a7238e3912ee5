"""The studio's schedule page for a cohort: opening and due dates per module, checked."""

from datetime import date

from sqlalchemy import select

from learning.cohorts import schedules
from learning.cohorts.models import ModuleSchedule
from tests.conftest import page


def _url(world):
    return f"/studio/cohorts/{world.cohort.id}/schedule"


def _rows(db):
    db.session.expire_all()
    return {row.module_id: (row.opens_on, row.due_on)
            for row in db.session.scalars(select(ModuleSchedule))}


def _ends(db, world, ends_on=date(2024, 3, 27)):
    world.cohort.starts_on = date(2024, 2, 21)
    world.cohort.ends_on = ends_on
    db.session.commit()


def _form(world, **dates):
    """The form's fields: every module's two dates, empty unless given as opens_on_<n>."""
    data = {"action": "save"}
    for module in world.modules:
        data[f"opens_on-{module.id}"] = ""
        data[f"due_on-{module.id}"] = ""
    for key, value in dates.items():
        name, position = key.rsplit("_", 1)
        data[f"{name}-{world.modules[int(position)].id}"] = value
    return data


def test_the_cohort_page_links_to_its_schedule(client, world, sign_in_as):
    sign_in_as("facilitator")
    html = page(client.get(f"/studio/cohorts/{world.cohort.id}"))
    assert html.find("a", href=_url(world)) is not None


def test_the_page_lists_every_module_with_its_fields_and_a_suggestion(client, world,
                                                                     sign_in_as):
    sign_in_as("facilitator")
    html = page(client.get(_url(world)))

    legends = [legend.get_text(" ", strip=True) for legend in html.select("fieldset legend")]
    assert legends == ["Module 1: Module one", "Module two Draft", "Module 2: Module three"]
    for module in world.modules:
        opens = html.find("input", id=f"opens_on-{module.id}")
        assert opens["type"] == "date"
        assert html.find("label", attrs={"for": f"opens_on-{module.id}"}).get_text(
            strip=True) == "Opens on"
        assert html.find("label", attrs={"for": f"due_on-{module.id}"}) is not None
    # Live sessions on 21 February 2024: the opening offered is two days later.
    suggestion = html.find("button", attrs={"name": "suggest",
                                            "value": str(world.modules[0].id)})
    assert suggestion.get_text(strip=True) == (
        "Use 23 February 2024, two days after the live session")


def test_saving_writes_the_dates_and_clearing_removes_them(client, db, world, sign_in_as):
    _ends(db, world)
    sign_in_as("facilitator")
    one, _two, three = world.modules

    response = client.post(_url(world), data=_form(world, opens_on_0="2024-02-23",
                                                   due_on_0="2024-03-01",
                                                   opens_on_2="2024-03-08"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/studio/cohorts/{world.cohort.id}"
    assert _rows(db) == {one.id: (date(2024, 2, 23), date(2024, 3, 1)),
                         three.id: (date(2024, 3, 8), None)}
    html = page(client.get(_url(world)))
    assert html.find("input", id=f"opens_on-{one.id}")["value"] == "2024-02-23"
    assert html.find("input", id=f"due_on-{one.id}")["value"] == "2024-03-01"

    response = client.post(_url(world), data=_form(world, opens_on_2="2024-03-08"))
    assert response.status_code == 302
    assert _rows(db) == {three.id: (date(2024, 3, 8), None)}


def test_a_suggestion_fills_the_opening_keeps_what_was_typed_and_saves_nothing(
        client, db, world, sign_in_as):
    sign_in_as("facilitator")
    one, _two, three = world.modules
    data = _form(world, due_on_0="2024-03-01", opens_on_2="2024-03-08")
    data.pop("action")
    data["suggest"] = str(one.id)

    response = client.post(_url(world), data=data)
    assert response.status_code == 200
    html = page(response)
    assert html.find("input", id=f"opens_on-{one.id}")["value"] == "2024-02-23"
    assert html.find("input", id=f"due_on-{one.id}")["value"] == "2024-03-01"
    assert html.find("input", id=f"opens_on-{three.id}")["value"] == "2024-03-08"
    assert "Nothing is saved until you save the schedule" in html.get_text()
    assert _rows(db) == {}


def test_bad_dates_are_named_beside_their_fields_and_nothing_is_saved(client, db, world,
                                                                     sign_in_as):
    _ends(db, world)
    sign_in_as("facilitator")
    one, two, three = world.modules
    typed = _form(world, opens_on_0="2024-04-01",  # after the cohort ends
                  opens_on_1="2024-03-10", due_on_1="2024-03-05",  # due before it opens
                  due_on_2="next tuesday")  # not a date

    response = client.post(_url(world), data=typed)
    assert response.status_code == 400
    assert _rows(db) == {}
    html = page(response)
    errors = {tag["id"]: tag.get_text(" ", strip=True) for tag in html.select("p.error")}
    assert errors == {
        f"opens_on-{one.id}-error":
            "Error: The cohort ends on 27 March 2024: a module must open by then.",
        f"due_on-{two.id}-error":
            "Error: The due date must be on or after the opening date, 10 March 2024.",
        f"due_on-{three.id}-error":
            "Error: Enter a date as year-month-day, for example 2024-03-01.",
    }
    for field_id in (f"opens_on-{one.id}", f"due_on-{two.id}", f"due_on-{three.id}"):
        field = html.find("input", id=field_id)
        assert field["aria-invalid"] == "true"
        assert f"{field_id}-error" in field["aria-describedby"].split()
    # Nothing typed is lost.
    for name, value in typed.items():
        if name != "action":
            assert html.find("input", attrs={"name": name})["value"] == value
    summary = html.select_one(".error-summary")
    assert summary.find("a", href=f"#opens_on-{one.id}") is not None


def test_a_due_date_after_the_cohort_ends_is_refused(client, db, world, sign_in_as):
    _ends(db, world)
    sign_in_as("facilitator")
    response = client.post(_url(world), data=_form(world, due_on_0="2024-04-02"))
    assert response.status_code == 400
    assert "the due date must be by then" in page(response).select_one("p.error").get_text()
    assert _rows(db) == {}


def test_reading_an_entry(app, world):
    cohort = world.cohort
    cohort.ends_on = date(2024, 3, 27)
    with app.test_request_context():
        fine = schedules.read_entry(cohort, 1, " 2024-03-01 ", "")
        assert (fine.opens_on, fine.due_on, fine.errors) == (date(2024, 3, 1), None, {})
        assert set(schedules.read_entry(cohort, 1, "2024-02-30", "").errors) == {"opens_on"}
        assert set(schedules.read_entry(cohort, 1, "", "2024-03-28").errors) == {"due_on"}
        # Without an end, any order-respecting dates will do.
        cohort.ends_on = None
        assert schedules.read_entry(cohort, 1, "2030-01-01", "2030-01-02").errors == {}
    assert schedules.suggested_opening(date(2024, 2, 28)) == date(2024, 3, 1)
    assert schedules.suggested_opening(None) is None


SETTINGS = {"name": "Cohort A", "starts_on": "2024-02-21", "is_open": "y",
            "time_zone": "America/Port_of_Spain"}


def test_an_end_date_before_a_saved_date_is_refused_beside_the_field(client, db, world,
                                                                     sign_in_as):
    _ends(db, world)
    sign_in_as("facilitator")
    one, _two, three = world.modules
    client.post(_url(world), data=_form(world, opens_on_0="2024-02-23", due_on_0="2024-03-01",
                                        opens_on_2="2024-03-08", due_on_2="2024-03-20"))
    settings = f"/studio/cohorts/{world.cohort.id}"

    response = client.post(settings, data={**SETTINGS, "ends_on": "2024-03-10"})
    assert response.status_code == 200
    html = page(response)
    error = html.find(id="ends_on-error").get_text(" ", strip=True)
    assert error == ("Error: The schedule has a module opening or due on 20 March 2024, after "
                     "this end date: change the schedule first, or end the cohort on or after "
                     "that day.")
    assert html.find("input", id="ends_on")["value"] == "2024-03-10"  # kept as typed
    db.session.expire_all()
    assert world.cohort.ends_on == date(2024, 3, 27)  # nothing saved
    assert _rows(db) == {one.id: (date(2024, 2, 23), date(2024, 3, 1)),
                         three.id: (date(2024, 3, 8), date(2024, 3, 20))}

    # The last saved date itself is a day the cohort may end on.
    response = client.post(settings, data={**SETTINGS, "ends_on": "2024-03-20"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.cohort.ends_on == date(2024, 3, 20)


def test_the_end_date_rule(app, db, world):
    _ends(db, world)
    db.session.add(ModuleSchedule(cohort_id=world.cohort.id, module_id=world.modules[0].id,
                                  opens_on=date(2024, 3, 5), due_on=None))
    db.session.commit()
    assert schedules.end_date_problem(world.cohort, None) is None
    assert schedules.end_date_problem(world.cohort, date(2024, 3, 5)) is None
    assert "5 March 2024" in schedules.end_date_problem(world.cohort, date(2024, 3, 4))
