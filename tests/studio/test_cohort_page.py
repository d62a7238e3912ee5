"""The cohort's one page: its sections, the roster with country and progress, adding one person."""

from datetime import date

import pytest
from sqlalchemy import func, select

from learning.accounts.models import User
from learning.cohorts.models import Enrolment, ModuleSchedule
from learning.progress import services as progress
from tests.conftest import page
from tests.factories import make_user
from tests.mailbox import outbox

SECTIONS = ["Participants", "Add one person by email", "Managers", "Co-facilitators",
            "Join code", "Dates and time zone", "Schedule", "Results", "Messages"]


def text(tag):
    return tag.get_text(" ", strip=True)


def url(world):
    return f"/studio/cohorts/{world.cohort.id}"


def add_url(world):
    return f"/studio/cohorts/{world.cohort.id}/participants/add"


def roster(soup):
    table = soup.select_one("table.participants")
    headings = [text(th) for th in table.thead.find_all("th")]
    return [dict(zip(headings, [text(c) for c in row.find_all(["th", "td"])], strict=True))
            for row in table.tbody.find_all("tr")]


def enrolled(db, world, email):
    return db.session.scalar(select(func.count(Enrolment.id)).join(
        User, User.id == Enrolment.user_id).where(
        Enrolment.cohort_id == world.cohort.id, User.email == email))


@pytest.fixture
def facilitator(client, world, sign_in_as):
    sign_in_as("facilitator")
    return client


def test_every_section_has_a_heading_and_a_link_in_the_contents(facilitator, world):
    soup = page(facilitator.get(url(world)))
    contents = soup.select_one("nav.page-contents")
    assert text(contents.h2) == "On this page"
    links = [(text(a), a["href"]) for a in contents.select("a")]
    assert [label for label, _href in links] == SECTIONS
    for label, href in links:
        heading = soup.find(id=href.removeprefix("#"))
        assert heading.name == "h2" and text(heading) == label
        assert heading.find_parent("section")["aria-labelledby"] == heading["id"]


def test_the_roster_shows_email_organisation_country_joined_and_progress(facilitator, db,
                                                                         world):
    ann = make_user("ann@example.org", name="Ann Ahead", organisation="Cabinet Office",
                    country="JM")
    db.session.add(Enrolment(cohort_id=world.cohort.id, user_id=ann.id))
    db.session.commit()
    progress.mark_complete(ann.id, world.modules[0].items[1], "read")
    db.session.commit()
    rows = roster(page(facilitator.get(url(world))))
    assert [(r["Name"], r["Email address"], r["Organisation"], r["Country"], r["Progress"])
            for r in rows] == [
        ("Ann Ahead", "ann@example.org", "Cabinet Office", "Jamaica", "In progress"),
        ("Pat Participant", "participant@example.org", "Ministry of Finance", "Barbados",
         "Not started")]
    assert all(r["Joined"] for r in rows)


def test_managers_co_facilitators_join_code_and_schedule_are_there(facilitator, world):
    soup = page(facilitator.get(url(world)))
    managers = soup.find(id="managers").find_parent("section")
    assert "Mo Manager" in text(managers)
    assert managers.find("form", action=f"{url(world)}/managers")
    co = soup.find(id="co-facilitators").find_parent("section")
    assert [text(li) for li in co.select("ul.facilitators li")] == [
        "Fay Facilitator facilitator@example.org"]
    assert co.find("a")["href"] == "/studio/courses/mindsets#facilitators"
    code = soup.find(id="join-code").find_parent("section")
    assert text(code.select_one("code.join-code")) == "JOINME2024"
    assert code.select_one("a.join-link")["href"] == "http://localhost/cohorts/join?code=JOINME2024"
    assert code.find("form", action=f"{url(world)}/join-code")
    settings = soup.find(id="settings").find_parent("section")
    assert settings.select_one("form#cohort-settings select[name=time_zone]")
    assert soup.find(id="schedule").find_parent("section").select_one(".schedule-summary")


def test_results_give_the_headline_counts_and_link_to_the_results_pages(facilitator, db,
                                                                       world):
    soup = page(facilitator.get(url(world)))
    results = soup.find(id="results").find_parent("section")
    figures = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
               for dt in results.select("dl.report-figures dt")}
    assert figures == {"Enrolled": "1", "Started": "0", "Completed the course": "0",
                       "Certificates issued": "0", "Stalled": "0"}
    links = {a["href"] for a in results.select("a")}
    cohort = world.cohort.id
    assert links == {f"/reports/cohorts/{cohort}", f"/reports/cohorts/{cohort}/stalls",
                     f"/reports/cohorts/{cohort}/mindset", f"/cohorts/{cohort}/assessments"}
    messages = soup.find(id="messages").find_parent("section")
    assert messages.find("a", string="Write a message")["href"] == (
        f"/studio/cohorts/{cohort}/announcements/new")
    assert "No message has been sent to this cohort yet." in text(messages)


def test_adding_a_new_address_makes_an_account_and_invites_it_without_enrolling(
        facilitator, db, world):
    response = facilitator.post(add_url(world), data={
        "person-email": "New.Person@Example.org", "person-name": "Nia New",
        "person-organisation": "Ministry of Health", "person-country": "Saint Lucia"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{url(world)}#add-person"
    soup = page(facilitator.get(response.headers["Location"]))
    assert "New.Person@Example.org is invited to Cohort A" in text(soup.select_one(".messages"))
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert (user.name, user.organisation, user.country, user.password_hash) == (
        "Nia New", "Ministry of Health", "LC", None)
    assert not enrolled(db, world, "new.person@example.org")
    [mail] = outbox
    assert (mail.to, mail.subject) == ("new.person@example.org",
                                       "Welcome to Changing Mindsets Learning")


def test_adding_an_existing_account_invites_it_to_accept(facilitator, db, world, auth,
                                                        sign_in_as):
    # An account that has signed in before (one that never has gets its welcome link again).
    auth.logout()
    sign_in_as("outsider")
    auth.logout()
    sign_in_as("facilitator")
    response = facilitator.post(add_url(world), data={
        "person-email": "outsider@example.org", "person-name": "Someone Else"})
    assert response.status_code == 302
    [mail] = outbox
    assert (mail.to, mail.subject) == ("outsider@example.org", "Invitation to join Cohort A")
    assert not enrolled(db, world, "outsider@example.org")
    db.session.expire_all()
    assert db.session.scalar(select(User.name).where(User.email == "outsider@example.org")) \
        == "Olu Outsider"
    # The answer is the same as for a new address.
    flash = text(page(facilitator.get(url(world))).select_one(".messages"))
    assert "outsider@example.org is invited to Cohort A and is in it once they accept" in flash


def test_with_email_on_the_page_says_the_invitation_was_emailed(facilitator, world, mail_on):
    facilitator.post(add_url(world), data={
        "person-email": "outsider@example.org", "person-name": "Someone Else"})
    assert text(page(facilitator.get(url(world))).select_one(".messages")) == (
        "Note: outsider@example.org is invited to Cohort A: they are in it once they accept the "
        "invitation emailed to them, whose link works for 14 days.")
    assert [m.to for m in outbox] == ["outsider@example.org"]


def test_adding_someone_already_in_the_cohort_sends_nothing(facilitator, db, world):
    response = facilitator.post(add_url(world), data={
        "person-email": "participant@example.org", "person-name": "Pat"}, follow_redirects=True)
    assert "participant@example.org is already in Cohort A." in text(
        page(response).select_one(".messages"))
    assert len(outbox) == 0


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"person-email": ""}, "email", "Enter their email address."),
    ({"person-email": "not-an-address"}, "email",
     "Enter an email address like name@example.org."),
    ({"person-name": ""}, "name", "Enter their name."),
    ({"person-name": "=HYPERLINK(1)"}, "name",
     "Do not start with “=”, which spreadsheets run as a formula."),
    ({"person-organisation": "x" * 161}, "organisation", "Use at most 160 characters."),
    ({"person-country": "Atlantis"}, "country",
     "“Atlantis” is not a country or territory on the list. Choose one from the list."),
])
def test_bad_input_is_refused_beside_the_field_keeping_what_was_typed(facilitator, db, world,
                                                                     data, field, message):
    form = {"person-email": "nia@example.org", "person-name": "Nia New",
            "person-organisation": "Ministry of Health", **data}
    users = db.session.scalar(select(func.count(User.id)))
    response = facilitator.post(add_url(world), data=form)
    assert response.status_code == 200
    soup = page(response)
    assert text(soup.find(id=f"person-{field}-error")) == f"Error: {message}"
    control = soup.find(id=f"person-{field}")
    assert f"person-{field}-error" in control["aria-describedby"]
    for name in ("person-email", "person-name"):
        assert soup.find("input", attrs={"name": name}).get("value", "") == form[name].strip()
    assert db.session.scalar(select(func.count(User.id))) == users
    assert len(outbox) == 0


def test_the_schedule_section_shows_each_modules_dates_and_links_to_the_schedule(
        facilitator, db, world):
    schedule = page(facilitator.get(url(world))).find(id="schedule").find_parent("section")
    assert text(schedule.select_one(".schedule-summary")).startswith("No schedule yet")
    one, two = world.modules[0], world.modules[1]
    db.session.add(ModuleSchedule(cohort_id=world.cohort.id, module_id=two.id,
                                  opens_on=date(2027, 3, 1), due_on=date(2027, 3, 15)))
    db.session.commit()
    schedule = page(facilitator.get(url(world))).find(id="schedule").find_parent("section")
    rows = {text(row.th): [text(cell) for cell in row.find_all("td")]
            for row in schedule.select("table.schedule-summary tbody tr")}
    assert rows[two.title] == ["1 March 2027", "15 March 2027"]
    assert rows[one.title] == ["When published", "No due date"]
    link = schedule.find("a", string="Set when each module opens and is due")
    assert link["href"] == f"/studio/cohorts/{world.cohort.id}/schedule"
