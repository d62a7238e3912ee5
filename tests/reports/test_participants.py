"""The participants list: what each row says, filters, search, order, pages, bad input."""

from datetime import timedelta

import pytest

from tests.conftest import page
from tests.reports.conftest import START, add_participants, certify, record, required

COUNTRIES = ("BB", "JM", "BZ")  # Barbados, Jamaica, Belize
ORGANISATIONS = ("Ministry of Finance", "Public Service Commission")


@pytest.fixture
def cohort_of_twelve(db, world):
    """Twelve more participants beside the world's one (who has done nothing):
    0-1 finished the course (0 certified), 2-4 finished module one, 5 began, 6-11 idle."""
    one, two, _ = world.modules
    ids = add_participants(
        world.cohort, 12,
        country=lambda n: COUNTRIES[n % 3],
        organisation=lambda n: ORGANISATIONS[n % 2],
    )
    record(ids[:2], required(one) + required(two), at=START + timedelta(days=5))
    record(ids[2:5], required(one), at=START + timedelta(days=2))
    record(ids[5:6], [two.items[0]], status="in_progress", at=START + timedelta(days=9))
    certify(ids[:1], world.course, START + timedelta(days=6))
    db.session.commit()
    return ids


def url(world, **args):
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/reports/cohorts/{world.cohort.id}/participants" + (f"?{query}" if query else "")


def table(response):
    soup = page(response)
    head = [th.get_text(" ", strip=True).replace(" ▲", "").replace(" ▼", "")
            for th in soup.select("table.participants thead th")]
    rows = [[cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
            for tr in soup.select("table.participants tbody tr")]
    return head, rows


def test_each_row_says_module_status_progress_activity_and_certificate(
        client, world, cohort_of_twelve, sign_in_as):
    sign_in_as("manager")
    head, rows = table(client.get(url(world)))
    assert head == ["Name", "Organisation", "Country", "Module one", "Module two", "Progress",
                    "Last activity", "Certificate"]
    by_name = {row[0].split(" ")[0] + " " + row[0].split(" ")[1]: row for row in rows}
    assert by_name["Participant 00000"][1:] == [
        "Ministry of Finance", "Barbados", "Complete", "Complete", "100 %", "6 Feb 2024",
        "Issued on 7 Feb 2024"]
    assert by_name["Participant 00001"][3:] == [
        "Complete", "Complete", "100 %", "6 Feb 2024", "Not yet"]
    assert by_name["Participant 00002"][3:6] == ["Complete", "Not started", "60 %"]
    assert by_name["Participant 00005"][3:7] == ["Not started", "In progress", "0 %",
                                                 "10 Feb 2024"]
    assert by_name["Pat Participant"][3:] == ["Not started", "Not started", "0 %", "None yet",
                                              "Not yet"]
    assert page(client.get(url(world))).select_one(".list-summary").get_text(strip=True) == (
        "Showing 1 to 13 of 13 participants")


@pytest.mark.parametrize(("args", "expected"), [
    ({"status": "complete"}, ["Participant 00000", "Participant 00001"]),
    ({"status": "in_progress"}, ["Participant 00002", "Participant 00003", "Participant 00004",
                                 "Participant 00005"]),
    ({"status": "not_started", "country": "JM"}, ["Participant 00007",
                                                       "Participant 00010"]),
    ({"country": "BZ", "organisation": "Ministry+of+Finance"},
     ["Participant 00002", "Participant 00008"]),
    ({"q": "00011"}, ["Participant 00011"]),
    ({"q": "P00003%40EXAMPLE"}, ["Participant 00003"]),
    ({"q": "%25"}, []),
])
def test_filters_and_search(client, world, cohort_of_twelve, sign_in_as, args, expected):
    sign_in_as("facilitator")
    response = client.get(url(world, **args))
    assert response.status_code == 200
    assert [row[0].split(" p")[0] for row in table(response)[1]] == expected
    if not expected:
        assert "No participant matches these filters." in page(response).main.get_text()


def test_the_filters_offer_the_cohorts_own_countries_and_organisations(
        client, world, cohort_of_twelve, sign_in_as):
    sign_in_as("manager")
    soup = page(client.get(url(world, country="BZ")))
    options = [(option["value"], option.get_text(strip=True))
               for option in soup.select("#country option")]
    assert options == [("", "Any country"), ("BB", "Barbados"), ("BZ", "Belize"),
                       ("JM", "Jamaica")]
    assert soup.select_one("#country option[selected]").get_text(strip=True) == "Belize"
    assert soup.select_one("#q").find_previous("label").get_text(strip=True) == (
        "Search by name or email")


def test_sorting_by_progress_and_activity_and_back(client, world, cohort_of_twelve, sign_in_as):
    sign_in_as("manager")
    by_progress = [row[0].split(" p")[0] for row in
                   table(client.get(url(world, sort="progress", dir="desc")))[1]]
    assert by_progress[:5] == ["Participant 00000", "Participant 00001", "Participant 00002",
                               "Participant 00003", "Participant 00004"]
    by_activity = [row[0].split(" p")[0] for row in
                   table(client.get(url(world, sort="last_activity", dir="desc")))[1]]
    assert by_activity[:3] == ["Participant 00005", "Participant 00000", "Participant 00001"]
    assert by_activity[-1].startswith("Pat Participant")
    soup = page(client.get(url(world, sort="country")))
    header = soup.select_one("th[aria-sort]")
    assert header["aria-sort"] == "ascending" and "Country" in header.get_text()
    assert "dir=desc" in header.a["href"]


def test_countries_sort_by_their_names_not_their_codes(client, db, world, sign_in_as):
    # By code CH, DE, SE; by name Germany, Sweden, Switzerland; the world's one is Barbados.
    add_participants(world.cohort, 3, country=lambda n: ("CH", "DE", "SE")[n])
    db.session.commit()
    sign_in_as("manager")
    for direction, expected in [("asc", ["Barbados", "Germany", "Sweden", "Switzerland"]),
                                ("desc", ["Switzerland", "Sweden", "Germany", "Barbados"])]:
        rows = table(client.get(url(world, sort="country", dir=direction)))[1]
        assert [row[2] for row in rows] == expected


@pytest.mark.parametrize("args", [{"sort": "password_hash"}, {"status": "stalled"},
                                  {"dir": "sideways"}, {"sort": "name;drop"}])
def test_unknown_sort_or_filter_is_a_bad_request(client, world, sign_in_as, args):
    sign_in_as("manager")
    assert client.get(url(world, **args)).status_code == 400
    csv_url = url(world, **args).replace("/participants", "/participants.csv")
    assert client.get(csv_url).status_code == 400


def test_pages_of_fifty_and_the_nearest_page_for_a_bad_number(client, db, world, sign_in_as):
    add_participants(world.cohort, 120)
    db.session.commit()
    sign_in_as("manager")
    first = client.get(url(world))
    assert len(table(first)[1]) == 50
    soup = page(first)
    assert soup.select_one(".pager").get_text(" ", strip=True) == "Page 1 of 3 Next page"
    assert soup.select_one(".pager a[rel=next]")["href"].endswith("page=2")
    for bad, shown in [("0", 1), ("-4", 1), ("abc", 1), ("999999999999", 3), ("3", 3)]:
        response = client.get(url(world, page=bad))
        assert response.status_code == 200
        assert f"Page {shown} of 3" in page(response).select_one(".pager").get_text()
    last = page(client.get(url(world, page=3)))
    assert last.select_one(".list-summary").get_text(strip=True) == (
        "Showing 101 to 121 of 121 participants")


def test_the_export_link_keeps_the_filters(client, world, cohort_of_twelve, sign_in_as):
    sign_in_as("manager")
    soup = page(client.get(url(world, status="complete", sort="country", page=1)))
    href = soup.select_one("a.export-link")["href"]
    assert href.startswith(f"/reports/cohorts/{world.cohort.id}/participants.csv?")
    assert "status=complete" in href and "sort=country" in href and "page" not in href


@pytest.mark.parametrize(("args", "status"), [
    ({"q": "Pat%00"}, 400), ({"country": "%00BB"}, 400),  # control characters: refused
    ({"organisation": "x" * 5000}, 200), ({"q": "%F0%9F%98%80" * 300}, 200),
])
def test_odd_text_in_filters_is_no_error(client, world, sign_in_as, args, status):
    sign_in_as("manager")
    assert client.get(url(world, **args)).status_code == status
    csv_url = url(world, **args).replace("/participants", "/participants.csv")
    assert client.get(csv_url).status_code == status


def test_archived_items_and_modules_count_for_nothing(client, db, world, sign_in_as):
    # Module one's first required item done, then archived: the module's status and every
    # figure follow what participants see, as the completion rule does.
    one, two, _ = world.modules
    first, *rest = required(one)
    ids = add_participants(world.cohort, 2)
    record(ids[:1], [first] + rest[:-1], at=START + timedelta(days=1))  # all but the last
    record(ids[1:], [first], at=START + timedelta(days=1))  # only the one archived
    first.is_archived = True
    db.session.commit()
    sign_in_as("manager")
    _head, rows = table(client.get(url(world)))
    by_name = {" ".join(row[0].split(" ")[:2]): row for row in rows}
    assert by_name["Participant 00000"][3] == "In progress"
    assert by_name["Participant 00001"][3:5] == ["Not started", "Not started"]
    overview = page(client.get(f"/reports/cohorts/{world.cohort.id}"))
    funnel = {row.th.get_text(strip=True): row.td.get_text(strip=True)
              for row in overview.select("table.funnel-table tbody tr")}
    assert funnel["Completed: Module one"] == "0"
    # An archived module leaves the columns altogether.
    two.is_archived = True
    db.session.commit()
    head, _rows = table(client.get(url(world)))
    assert "Module two" not in head


@pytest.mark.parametrize("asked", ["Barbados", "XX", "EU", "029", "BBB", "B%20B"])
def test_an_unknown_country_in_a_filter_is_a_bad_request_that_says_so(client, world,
                                                                      sign_in_as, asked):
    sign_in_as("manager")
    for path in ("/participants", "/participants.csv", "/mindset"):
        response = client.get(url(world, country=asked).replace("/participants", path))
        assert response.status_code == 400, path
        assert "There is no country or territory with the code" in page(response).get_text()


def test_a_country_code_in_a_filter_may_be_lower_case(client, world, cohort_of_twelve,
                                                      sign_in_as):
    sign_in_as("manager")
    rows = table(client.get(url(world, country="bz")))[1]
    assert {row[2] for row in rows} == {"Belize"}
