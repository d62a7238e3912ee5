"""The results page: scores, bands, feedback, links, chart and table, shift, reflection."""

import re

import pytest

from learning.assessments.charts import PLOT_WIDTH
from learning.database import db
from learning.progress import services as progress
from tests.assessments.conftest import AFTER, BEFORE, RESULTS, SINGLE, SINGLE_RESULTS, form_data
from tests.conftest import page


def text(tag):
    return tag.get_text(" ", strip=True)


def table_rows(table):
    return [[text(cell) for cell in row.find_all(["th", "td"])] for row in table.select("tr")]


def test_single_results_show_score_band_feedback_links_chart_and_table(client, world,
                                                                       sign_in_as):
    sign_in_as("participant")
    client.post(SINGLE, data=form_data(client, SINGLE, [4, 2]))  # 4 and 6-2=4: 75.0
    response = client.get(SINGLE_RESULTS)
    assert response.status_code == 200
    soup = page(response)
    assert table_rows(soup.select_one("table.table")) == [
        ["Area", "Score", "Band"], ["Learning mindset", "75.0", "Established"]]
    card = soup.select_one("article.dimension-feedback")
    assert "Score 75.0 out of 100" in text(card)
    assert "Share what works." in text(card)
    svg = soup.select_one("figure.score-chart svg")
    assert svg["role"] == "img"
    title = svg.find("title")
    assert svg["aria-labelledby"] == title["id"] and "same figures" in text(title)
    assert [text(t) for t in svg.select("text.chart-value")] == ["Your answers: 75.0"]
    assert [r["width"] for r in svg.select("rect.chart-bar")] == [f"{0.75 * PLOT_WIDTH:.1f}"]
    # It scales to the width there is, and the table scrolls in its own region.
    assert svg["viewbox"].startswith("0 0 ") and svg["width"] == "100%"
    region = soup.select_one("table.table").parent
    assert (region["class"], region["tabindex"], region["role"]) == (["table-scroll"], "0",
                                                                     "region")
    assert region["aria-label"]
    assert not soup.select("[style]")


def test_helpful_items_link_to_the_course_and_unknown_ones_are_skipped(client, world,
                                                                       sign_in_as):
    sign_in_as("participant")
    client.post(BEFORE, data=form_data(client, BEFORE, [1, 5]))
    card = page(client.get(RESULTS)).select_one("article.dimension-feedback")
    assert "Start small." in text(card)  # 0.0: emerging
    links = [(text(a), a["href"]) for a in card.select("ul a")]
    assert links == [("A reading", "/courses/mindsets/modules/one/items/reading")]


def test_before_and_after_show_the_shift_and_the_history(client, world, sign_in_as):
    sign_in_as("participant")
    user, item = world.users["participant"], world.modules[0].items[2]
    client.post(BEFORE, data=form_data(client, BEFORE, [2, 4]))  # 25.0
    for module in world.modules:
        for other in module.items:
            if other is not item:
                progress.mark_complete(user.id, other, "test")
    db.session.commit()
    client.post(AFTER, data=form_data(client, AFTER, [4, 1]))  # 4 and 5: 87.5
    soup = page(client.get(RESULTS))
    assert table_rows(soup.select_one("table.table")) == [
        ["Area", "Before", "After", "Change"], ["Learning mindset", "25.0", "87.5", "up 62.5"]]
    history = [text(li) for li in soup.select("ul.phase-history li")]
    assert history[0].startswith("Start of the course: submitted on ")
    assert history[1].startswith("End of the course: submitted on ")
    values = [text(t) for t in soup.select("svg text.chart-value")]
    assert values == ["Before: 25.0", "After: 87.5"]
    # The before bar is hatched, not only a different colour.
    assert soup.select_one("rect.chart-bar-before")["fill"] == "url(#chart-hatch)"


def test_the_history_says_when_after_opens(client, world, sign_in_as):
    sign_in_as("participant")
    client.post(BEFORE, data=form_data(client, BEFORE, [3, 3]))
    history = [text(li) for li in page(client.get(RESULTS)).select("ul.phase-history li")]
    assert history[1] == ("End of the course: opens once you have completed every other "
                          "required item of the course, apart from the other end-of-course "
                          "self-assessments")


def test_the_reflection_is_kept_escaped_and_editable(client, world, sign_in_as):
    sign_in_as("participant")
    client.post(SINGLE, data=form_data(client, SINGLE, [3, 3]))
    typed = "Ask one colleague <script>alert(1)</script> every week."
    response = client.post(SINGLE_RESULTS.replace("results", "reflection"),
                           data={"reflection": typed})
    assert response.status_code == 302
    body = client.get(SINGLE_RESULTS).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert page(client.get(SINGLE_RESULTS)).find("textarea").string.strip() == typed
    client.post(SINGLE_RESULTS.replace("results", "reflection"), data={"reflection": "Listen."})
    assert page(client.get(SINGLE_RESULTS)).find("textarea").string.strip() == "Listen."


def test_a_too_long_reflection_comes_back_with_the_text(client, world, sign_in_as):
    sign_in_as("participant")
    client.post(SINGLE, data=form_data(client, SINGLE, [3, 3]))
    typed = "x" * 1001
    response = client.post(SINGLE_RESULTS.replace("results", "reflection"),
                           data={"reflection": typed})
    assert response.status_code == 422
    soup = page(response)
    assert "1000 characters or fewer" in text(soup.select_one(".error-summary"))
    assert soup.find("textarea").string.strip() == typed
    assert page(client.get(SINGLE_RESULTS)).find("textarea").string.strip() == ""


def test_no_reflection_without_a_submission(client, world, sign_in_as):
    sign_in_as("participant")
    client.post(SINGLE, data=form_data(client, SINGLE, [3], action="save"))
    response = client.post(SINGLE_RESULTS.replace("results", "reflection"),
                           data={"reflection": "Hello"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["peer", "admin", "facilitator", "manager", "outsider"])
def test_results_are_the_participants_alone(client, world, sign_in_as, who):
    sign_in_as("participant")
    client.post(SINGLE, data=form_data(client, SINGLE, [5, 1]))
    client.post(SINGLE_RESULTS.replace("results", "reflection"), data={"reflection": "Mine."})
    sign_in_as(who)
    for url in (SINGLE_RESULTS, RESULTS):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert "Mine." not in response.get_data(as_text=True)
    reflection = client.post(SINGLE_RESULTS.replace("results", "reflection"),
                             data={"reflection": "Theirs."})
    assert reflection.status_code in (403, 404)
    if who in ("admin", "facilitator", "manager", "peer"):
        # They may see the course, so it is the results that are missing: a 404.
        assert client.get(SINGLE_RESULTS).status_code == 404


def test_no_figure_is_shown_before_a_submission(client, world, sign_in_as):
    sign_in_as("participant")
    client.post(SINGLE, data=form_data(client, SINGLE, [5], action="save"))
    assert client.get(SINGLE_RESULTS).status_code == 404
    assert not re.search(r"\d+\.\d", text(page(client.get(SINGLE)).main))
