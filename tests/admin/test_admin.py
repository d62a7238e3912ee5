"""Administration: finding users, granting and removing roles, facilitators and managers."""

from urllib.parse import parse_qs, urlsplit

import pytest

from learning.accounts.models import User, UserRole
from learning.cohorts import access
from learning.database import db as _db
from tests.catalog.world import make_user
from tests.conftest import page

NON_ADMINS = ["enrolled", "outsider", "facilitator", "other_facilitator", "manager"]


def text(tag):
    return tag.get_text(" ", strip=True)


def messages(soup):
    return [text(p) for p in soup.select(".messages .message")]


def user_rows(soup):
    rows = soup.select("table.users tbody tr")
    return [(text(r.th), text(r.select_one("td.roles"))) for r in rows]


def posts(world):
    """Every state-changing admin address, for a user and a course and cohort of the world."""
    user = world.users["outsider"]
    return [
        f"/admin/users/{user.id}/roles/manager/grant",
        f"/admin/users/{user.id}/roles/participant/revoke",
        f"/admin/users/{user.id}/courses",
        f"/admin/users/{user.id}/courses/{world.course.id}/remove",
        f"/admin/users/{user.id}/cohorts",
        f"/admin/users/{user.id}/cohorts/{world.cohort.id}/remove",
    ]


def reload(user):
    _db.session.refresh(user)
    return user


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/1"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


@pytest.mark.parametrize("role", NON_ADMINS)
def test_non_admins_are_refused_everywhere(client, world, sign_in_as, role):
    sign_in_as(role)
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{world.users['outsider'].id}").status_code == 403
    for path in posts(world):
        assert client.post(path, data={"course": world.course.id,
                                       "cohort": world.cohort.id}).status_code == 403
    outsider = reload(world.users["outsider"])
    assert outsider.role_names == {"participant"}
    _db.session.refresh(world.cohort)
    assert outsider not in world.cohort.managers


def test_admin_pages_open_for_admins(client, world, sign_in_as):
    sign_in_as("admin")
    assert client.get("/admin/users").status_code == 200
    assert client.get(f"/admin/users/{world.users['outsider'].id}").status_code == 200
    assert client.get("/admin/users/99999").status_code == 404


def test_users_list_shows_roles_as_text(client, world, sign_in_as):
    sign_in_as("admin")
    soup = page(client.get("/admin/users"))
    rows = dict(user_rows(soup))
    assert rows["Ada Admin"] == "Administrator"
    assert rows["Pat Participant"] == "Participant"
    assert rows["Fay Facilitator"] == "Facilitator"
    assert list(rows) == sorted(rows, key=str.lower)
    assert text(soup.find("caption")) == "6 users"


@pytest.mark.parametrize(("q", "names"), [
    ("fay", ["Fay Facilitator"]),
    ("MANAGER@example", ["Mo Manager"]),
    ("example.org", ["Ada Admin", "Fay Facilitator", "Mo Manager", "Olu Outsider",
                     "Otto Other", "Pat Participant"]),
    ("%", []),
    ("nobody", []),
])
def test_users_search_by_name_or_email(client, world, sign_in_as, q, names):
    sign_in_as("admin")
    soup = page(client.get("/admin/users", query_string={"q": q}))
    assert [name for name, _ in user_rows(soup)] == names
    assert soup.find("input", attrs={"name": "q"})["value"] == q
    if not names:
        assert f"No user matches “{q}”." in text(soup.main)


def test_users_list_is_paginated(client, db, world, sign_in_as):
    for n in range(30):
        db.session.add(User(email=f"zz{n:02d}@example.org", name=f"Zed {n:02d}",
                            password_hash="unused"))
    db.session.commit()
    sign_in_as("admin")
    first = page(client.get("/admin/users"))
    assert len(user_rows(first)) == 25
    assert "Page 1 of 2" in text(first.select_one("nav.pager"))
    next_link = first.find("a", rel="next")["href"]
    second = page(client.get(next_link))
    assert len(user_rows(second)) == 11
    assert second.find("a", rel="prev")
    searched = page(client.get("/admin/users", query_string={"q": "zed"}))
    assert "q=zed" in searched.find("a", rel="next")["href"]


def _deactivate(db, user):
    user.is_active = False
    db.session.commit()


def test_users_list_labels_who_is_deactivated(client, db, world, sign_in_as):
    _deactivate(db, world.users["outsider"])
    sign_in_as("admin")
    soup = page(client.get("/admin/users"))
    labelled = {text(row.th) for row in soup.select("table.users tbody tr")
                if row.th.find(class_="badge", string="Deactivated")}
    assert labelled == {"Olu Outsider Deactivated"}


@pytest.mark.parametrize(("query", "names"), [
    ({"role": "facilitator"}, ["Fay Facilitator", "Otto Other"]),
    ({"role": "admin"}, ["Ada Admin"]),
    ({"status": "deactivated"}, ["Olu Outsider"]),
    ({"status": "active", "role": "participant"}, ["Pat Participant"]),
    ({"status": "deactivated", "role": "participant"}, ["Olu Outsider"]),
    ({"q": "OTTO", "role": "facilitator"}, ["Otto Other"]),
    ({"q": "otto", "role": "manager"}, []),
    ({"role": "", "status": ""}, ["Ada Admin", "Fay Facilitator", "Mo Manager", "Olu Outsider",
                                  "Otto Other", "Pat Participant"]),
])
def test_users_filter_by_role_and_account_with_the_search(client, db, world, sign_in_as, query,
                                                          names):
    _deactivate(db, world.users["outsider"])
    sign_in_as("admin")
    soup = page(client.get("/admin/users", query_string=query))
    assert [name.removesuffix(" Deactivated") for name, _ in user_rows(soup)] == names
    for name in ("role", "status"):
        chosen = soup.find("select", attrs={"name": name}).find("option", selected=True)
        assert chosen["value"] == query.get(name, "")
    if any(query.values()):
        assert soup.find("a", string="Show everyone")["href"] == "/admin/users"


def test_users_filters_that_match_nobody_say_so(client, world, sign_in_as):
    sign_in_as("admin")
    soup = page(client.get("/admin/users", query_string={"status": "deactivated"}))
    assert "No user matches these filters." in text(soup.main)


@pytest.mark.parametrize("query", [{"role": "emperor"}, {"status": "asleep"}])
def test_an_unknown_filter_is_a_bad_request(client, world, sign_in_as, query):
    sign_in_as("admin")
    assert client.get("/admin/users", query_string=query).status_code == 400


def test_users_pages_keep_the_search_and_filters(client, db, world, sign_in_as):
    for n in range(30):
        db.session.add(User(email=f"zz{n:02d}@example.org", name=f"Zed {n:02d}",
                            password_hash="unused", is_active=n % 3 != 0,
                            roles=[UserRole(role="manager" if n % 2 else "participant")]))
    db.session.commit()
    sign_in_as("admin")
    query = {"q": "zed", "role": "manager", "status": "active"}
    # Managers among the Zeds (odd n), active (n not a multiple of 3): 10 of them.
    first = page(client.get("/admin/users", query_string=query))
    assert text(first.find("caption")) == "10 users match “zed”"
    db.session.add_all(User(email=f"zy{n:02d}@example.org", name=f"Zed more {n:02d}",
                            password_hash="unused", roles=[UserRole(role="manager")])
                       for n in range(20))
    db.session.commit()
    first = page(client.get("/admin/users", query_string=query))
    assert len(user_rows(first)) == 25
    next_link = first.find("a", rel="next")["href"]
    assert parse_qs(urlsplit(next_link).query) == {
        "q": ["zed"], "role": ["manager"], "status": ["active"], "page": ["2"]}
    second = page(client.get(next_link))
    assert len(user_rows(second)) == 5
    assert parse_qs(urlsplit(second.find("a", rel="prev")["href"]).query)["role"] == ["manager"]
    assert second.find("select", attrs={"name": "role"}).find(
        "option", selected=True)["value"] == "manager"


def test_user_page_shows_details_and_role_forms(client, world, sign_in_as):
    sign_in_as("admin")
    soup = page(client.get(f"/admin/users/{world.users['enrolled'].id}"))
    assert text(soup.h1) == "Pat Participant"
    details = dict(zip([text(d) for d in soup.select("dl.details dt")],
                       [text(d) for d in soup.select("dl.details dd")], strict=True))
    assert details["Email"] == "participant@example.org"
    assert details["Organisation"] == "Ministry of Finance"
    assert details["Country"] == "Barbados"
    buttons = [text(b) for b in soup.select("table.roles button")]
    assert buttons == ["Remove role Participant", "Grant role Facilitator",
                       "Grant role Manager", "Grant role Administrator"]
    for form in soup.select("table.roles form"):
        assert form["method"] == "post"
        assert form.find("input", attrs={"name": "csrf_token"})


def follow(client, response):
    assert response.status_code == 302
    return page(client.get(response.headers["Location"]))


def test_grant_and_revoke_a_role(client, db, world, sign_in_as):
    sign_in_as("admin")
    user = world.users["outsider"]
    soup = follow(client, client.post(f"/admin/users/{user.id}/roles/manager/grant"))
    assert messages(soup) == ["Note: Olu Outsider now holds the role Manager."]
    assert reload(user).role_names == {"participant", "manager"}
    soup = follow(client, client.post(f"/admin/users/{user.id}/roles/manager/grant"))
    assert messages(soup) == ["Note: Olu Outsider already holds the role Manager."]
    soup = follow(client, client.post(f"/admin/users/{user.id}/roles/participant/revoke"))
    assert messages(soup) == ["Note: Olu Outsider no longer holds the role Participant."]
    assert reload(user).role_names == {"manager"}
    assert "Remove role Manager" in [text(b) for b in soup.select("table.roles button")]


def test_an_unknown_role_is_not_found(client, world, sign_in_as):
    sign_in_as("admin")
    user = world.users["outsider"]
    assert client.post(f"/admin/users/{user.id}/roles/emperor/grant").status_code == 404


def test_the_last_admin_cannot_be_removed(client, db, world, sign_in_as):
    sign_in_as("admin")
    admin = world.users["admin"]
    soup = follow(client, client.post(f"/admin/users/{admin.id}/roles/admin/revoke"))
    assert soup.select(".messages .message-error")
    assert "last administrator" in messages(soup)[0]
    assert "admin" in reload(admin).role_names


def test_an_admin_can_be_removed_while_another_remains(client, db, world, sign_in_as):
    second = make_user("second-admin@example.org", "admin", name="Sam Second")
    db.session.commit()
    sign_in_as("admin")
    soup = follow(client, client.post(f"/admin/users/{second.id}/roles/admin/revoke"))
    assert messages(soup) == ["Note: Sam Second no longer holds the role Administrator."]
    assert reload(second).role_names == set()


def test_an_admin_who_removes_their_own_role_leaves_the_admin_pages(client, db, world,
                                                                   sign_in_as):
    make_user("second-admin@example.org", "admin", name="Sam Second")
    db.session.commit()
    sign_in_as("admin")
    admin = world.users["admin"]
    response = client.post(f"/admin/users/{admin.id}/roles/admin/revoke")
    assert response.headers["Location"] == "/learning"
    assert client.get("/admin/users").status_code == 403


def test_attach_and_detach_a_facilitator(client, db, world, sign_in_as):
    sign_in_as("admin")
    user = world.users["outsider"]
    soup = page(client.get(f"/admin/users/{user.id}"))
    options = [text(o) for o in soup.find("select", attrs={"name": "course"}).find_all("option")]
    assert options == ["A draft course", "Another course", "Changing mindsets"]
    soup = follow(client, client.post(f"/admin/users/{user.id}/courses",
                                      data={"course": world.course.id}))
    assert messages(soup) == [
        "Note: Olu Outsider now facilitates Changing mindsets and holds the role Facilitator."
    ]
    assert [text(li).split(" Remove")[0] for li in soup.select("ul.courses li")] == [
        "Changing mindsets"
    ]
    assert "facilitator" in reload(user).role_names
    db.session.refresh(world.course)
    assert world.course.can_edit(user)
    soup = follow(client, client.post(f"/admin/users/{user.id}/courses/{world.course.id}/remove"))
    assert messages(soup) == ["Note: Olu Outsider no longer facilitates Changing mindsets."]
    db.session.refresh(world.course)
    assert not world.course.can_edit(reload(user))
    soup = follow(client, client.post(f"/admin/users/{user.id}/courses/{world.course.id}/remove"))
    assert messages(soup) == ["Note: Olu Outsider did not facilitate Changing mindsets."]


def test_attaching_an_existing_facilitator_again_changes_nothing(client, world, sign_in_as):
    sign_in_as("admin")
    user = world.users["facilitator"]
    soup = follow(client, client.post(f"/admin/users/{user.id}/courses",
                                      data={"course": world.course.id}))
    assert messages(soup) == ["Note: Fay Facilitator already facilitates Changing mindsets."]


def test_attach_with_an_unknown_course_is_refused(client, world, sign_in_as):
    sign_in_as("admin")
    user = world.users["outsider"]
    soup = follow(client, client.post(f"/admin/users/{user.id}/courses", data={"course": 999}))
    assert messages(soup) == ["Error: Choose one of the courses listed."]


def test_attach_and_detach_a_manager(client, db, world, sign_in_as):
    sign_in_as("admin")
    user = world.users["outsider"]
    soup = page(client.get(f"/admin/users/{user.id}"))
    options = [text(o) for o in soup.find("select", attrs={"name": "cohort"}).find_all("option")]
    assert options == ["Cohort A (Changing mindsets)", "Draft cohort (A draft course)"]
    soup = follow(client, client.post(f"/admin/users/{user.id}/cohorts",
                                      data={"cohort": world.cohort.id}))
    assert messages(soup) == ["Note: Olu Outsider now manages Cohort A and holds the role Manager."]
    assert "manager" in reload(user).role_names
    db.session.refresh(world.cohort)
    assert access.may_follow(world.cohort.id, user)
    assert "Cohort A" in text(soup.select_one("ul.cohorts"))
    soup = follow(client, client.post(f"/admin/users/{user.id}/cohorts/{world.cohort.id}/remove"))
    assert messages(soup) == ["Note: Olu Outsider no longer manages Cohort A."]
    db.session.refresh(world.cohort)
    assert user not in world.cohort.managers


def test_attach_with_an_unknown_cohort_is_refused(client, world, sign_in_as):
    sign_in_as("admin")
    user = world.users["outsider"]
    soup = follow(client, client.post(f"/admin/users/{user.id}/cohorts", data={"cohort": 999}))
    assert messages(soup) == ["Error: Choose one of the cohorts listed."]


def test_role_changes_need_a_csrf_token(app, client, db, world, sign_in_as):
    sign_in_as("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    user = world.users["outsider"]
    assert client.post(f"/admin/users/{user.id}/roles/manager/grant").status_code == 400
    assert reload(user).role_names == {"participant"}
