"""Where people land on signing in, and what the navigation offers them."""

import pytest

from tests.conftest import page


def navigation(client, path="/reports"):
    nav = page(client.get(path)).find("nav", attrs={"aria-label": "Main"})
    return [a.get_text(strip=True) for a in nav.select("a")]


@pytest.mark.parametrize(("who", "landing"), [
    ("manager", "/reports"),
    ("facilitator", "/reports"),
    ("admin", "/reports"),
    ("managing_participant", "/reports"),
    ("participant", "/learning"),
])
def test_sign_in_lands_on_the_reports_of_those_who_follow_cohorts(client, world, sign_in_as,
                                                                  who, landing):
    assert sign_in_as(who).headers["Location"] == landing
    assert client.get("/").headers["Location"] == landing
    assert client.get("/sign-in").headers["Location"] == landing


def test_a_next_address_still_wins(client, world, auth):
    response = client.post("/sign-in?next=/certificates",
                           data={"email": "manager@example.org",
                                 "password": "correct horse battery staple"})
    assert response.headers["Location"] == "/certificates"


def test_a_manager_sees_reports_and_no_learners_pages(client, world, sign_in_as):
    sign_in_as("manager")
    links = navigation(client)
    assert "Reports" in links
    assert "My learning" not in links


def test_a_manager_who_is_also_enrolled_keeps_my_learning(client, world, sign_in_as):
    sign_in_as("managing_participant")
    links = navigation(client)
    assert links.index("Reports") < links.index("My learning")


def test_a_participant_has_no_reports_link(client, world, sign_in_as):
    sign_in_as("participant")
    links = navigation(client, "/learning")
    assert "My learning" in links and "Reports" not in links


def test_the_reports_link_is_current_on_report_pages(client, world, sign_in_as):
    sign_in_as("manager")
    nav = page(client.get("/reports")).find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Reports")["aria-current"] == "page"
