"""Facilitators attach co-facilitators to their course and managers to its cohorts."""

import pytest

from tests.conftest import page


def _messages(response):
    return page(response).select_one(".messages").get_text(" ", strip=True)


def _names(soup, selector):
    return [li.span.get_text(strip=True) for li in soup.select(f"{selector} > li")]


def test_a_facilitator_adds_a_co_facilitator_who_can_then_author(client, db, world,
                                                                 sign_in_as, auth):
    sign_in_as("facilitator")
    soup = page(client.get("/studio/courses/mindsets"))
    assert _names(soup, "ul.facilitators") == ["Fay Facilitator"]
    assert not soup.select_one("ul.facilitators button")  # the last one cannot go
    response = client.post("/studio/courses/mindsets/facilitators",
                           data={"email": "Outsider@Example.org"}, follow_redirects=True)
    assert "Olu Outsider now facilitates Changing mindsets." in _messages(response)
    assert _names(page(response), "ul.facilitators") == ["Fay Facilitator", "Olu Outsider"]
    auth.logout()
    sign_in_as("outsider")
    assert client.get("/studio/courses/mindsets").status_code == 200


def test_adding_someone_without_an_account_or_twice_is_explained(client, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post("/studio/courses/mindsets/facilitators",
                           data={"email": "nobody@example.org"}, follow_redirects=True)
    assert "No account has the address nobody@example.org." in _messages(response)
    response = client.post("/studio/courses/mindsets/facilitators",
                           data={"email": "facilitator@example.org"}, follow_redirects=True)
    assert "Fay Facilitator already facilitates this course." in _messages(response)
    response = client.post("/studio/courses/mindsets/facilitators",
                           data={"email": "not an address"}, follow_redirects=True)
    assert "Enter an email address like name@example.org." in _messages(response)


def test_a_facilitator_can_be_removed_but_not_the_last(client, db, world, sign_in_as):
    sign_in_as("facilitator")
    client.post("/studio/courses/mindsets/facilitators", data={"email": "outsider@example.org"})
    outsider = world.users["outsider"]
    response = client.post(f"/studio/courses/mindsets/facilitators/{outsider.id}/remove",
                           follow_redirects=True)
    assert "Olu Outsider no longer facilitates Changing mindsets." in _messages(response)
    me = world.users["facilitator"]
    response = client.post(f"/studio/courses/mindsets/facilitators/{me.id}/remove",
                           follow_redirects=True)
    assert "A course keeps at least one facilitator" in _messages(response)
    assert client.post("/studio/courses/mindsets/facilitators/999/remove").status_code == 404


@pytest.mark.parametrize("who", ["enrolled", "manager", "other_facilitator"])
def test_others_cannot_change_who_facilitates_or_manages(client, world, sign_in_as, who):
    sign_in_as(who)
    me, manager = world.users["facilitator"], world.users["manager"]
    cohort = world.cohort
    for url, data in [
        ("/studio/courses/mindsets/facilitators", {"email": "outsider@example.org"}),
        (f"/studio/courses/mindsets/facilitators/{me.id}/remove", {}),
        (f"/studio/cohorts/{cohort.id}/managers", {"email": "outsider@example.org"}),
        (f"/studio/cohorts/{cohort.id}/managers/{manager.id}/remove", {}),
    ]:
        assert client.post(url, data=data).status_code == 403, url


def test_a_facilitator_attaches_and_removes_a_cohorts_managers(client, db, world, sign_in_as,
                                                               auth):
    sign_in_as("facilitator")
    url = f"/studio/cohorts/{world.cohort.id}"
    assert _names(page(client.get(url)), "ul.managers") == ["Mo Manager"]
    response = client.post(f"{url}/managers", data={"email": "outsider@example.org"},
                           follow_redirects=True)
    assert "Olu Outsider now manages Cohort A." in _messages(response)
    assert _names(page(response), "ul.managers") == ["Mo Manager", "Olu Outsider"]
    auth.logout()
    sign_in_as("outsider")
    assert client.get(f"/cohorts/{world.cohort.id}").status_code == 200  # they see progress
    auth.logout()

    sign_in_as("facilitator")
    manager = world.users["manager"]
    response = client.post(f"{url}/managers/{manager.id}/remove", follow_redirects=True)
    assert "Mo Manager no longer manages Cohort A." in _messages(response)
    auth.logout()
    sign_in_as("manager")
    assert client.get(f"/cohorts/{world.cohort.id}").status_code == 403


def test_a_manager_without_an_account_is_explained_on_the_page(client, world, sign_in_as):
    sign_in_as("facilitator")
    response = client.post(f"/studio/cohorts/{world.cohort.id}/managers",
                           data={"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "No account has the address nobody@example.org." in page(response).select_one(
        ".error-summary").get_text()
