"""One country is one group in every report, however people wrote it (issue #22, item 7)."""

from learning.accounts.models import User
from tests.conftest import page

PASSWORD = "lantern orchard pebble gusts"


def register_and_join(client, email, country):
    """Register through the form, typing the country, and join the world's cohort."""
    response = client.post("/register", data={
        "name": email.split("@")[0].title(), "email": email, "organisation": "Treasury",
        "country": country, "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302, page(response).select_one(".error-summary")
    assert client.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 302
    assert client.post("/cohorts/join", data={"code": "JOINME2024"}).status_code == 302
    client.post("/sign-out")


def test_barbados_however_written_is_one_row_and_one_filter_option(app, client, db, world,
                                                                  sign_in_as):
    register_and_join(app.test_client(), "lower@example.gov", "barbados")
    register_and_join(app.test_client(), "capital@example.gov", "Barbados")

    sign_in_as("manager")
    cohort = f"/reports/cohorts/{world.cohort.id}"
    # The mindset page offers the groups answers were given from: none answered yet.
    for path, expected in (("/participants", ["Any country", "Barbados"]),
                           ("/mindset", ["Any country"])):
        options = [option.get_text(strip=True)
                   for option in page(client.get(cohort + path)).select("#country option")]
        assert options == expected, path  # the world's participant too

    soup = page(client.get(cohort + "/breakdowns"))
    rows = [[cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
            for tr in soup.select("table.breakdown-country tbody tr")]
    assert rows == [["Barbados", "3", "0", "0", "0 %", "0"]]

    soup = page(client.get(cohort + "/participants?country=BB"))
    countries = [tr.select("td")[1].get_text(strip=True)
                 for tr in soup.select("table.participants tbody tr")]
    assert countries == ["Barbados"] * 3
    assert {user.country for user in db.session.query(User).filter(
        User.email.in_(["lower@example.gov", "capital@example.gov"]))} == {"BB"}
