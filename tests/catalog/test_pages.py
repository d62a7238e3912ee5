"""What the catalog pages show: parsed as a browser would, for participants and previewers."""

from tests.conftest import page

COURSE = "/courses/mindsets"
MODULE = "/courses/mindsets/modules/one"


def text(tag):
    return tag.get_text(" ", strip=True)


def module_titles(soup):
    return [text(h) for h in soup.select("ol.modules h3")]


def test_my_learning_shows_the_participants_courses(client, world, sign_in_as):
    sign_in_as("enrolled")
    soup = page(client.get("/learning"))
    cards = soup.select("ul.cards > li.card")
    assert len(cards) == 1  # the draft course they are also enrolled in stays hidden
    card = cards[0]
    assert text(card.h2) == "Changing mindsets"
    assert card.h2.a["href"] == COURSE
    assert "Summary" in text(card)
    meta = text(card.select_one(".meta"))
    assert "2 modules" in meta  # the unpublished module is not counted
    assert "Cohort: Cohort A" in meta
    assert not card.select(".badge")


def test_my_learning_previews_a_facilitators_draft(client, world, sign_in_as):
    sign_in_as("facilitator")
    soup = page(client.get("/learning"))
    cards = {text(c.h2): c for c in soup.select("li.card")}
    assert set(cards) == {"Changing mindsets", "A draft course"}
    assert "3 modules" in text(cards["Changing mindsets"])
    assert text(cards["A draft course"].select_one(".badge")) == "Unpublished"


def test_my_learning_empty_state_points_to_joining(client, world, sign_in_as):
    sign_in_as("outsider")
    soup = page(client.get("/learning"))
    assert not soup.select("li.card")
    link = soup.main.find("a", class_="button")
    assert link["href"] == "/cohorts/join"
    assert text(link) == "Join a cohort"


def test_course_page_lists_published_modules_in_order(client, world, sign_in_as):
    sign_in_as("enrolled")
    soup = page(client.get(COURSE))
    assert text(soup.h1) == "Changing mindsets"
    paragraphs = [text(p) for p in soup.main.find_all("p", recursive=False)]
    assert "First paragraph." in paragraphs and "Second paragraph." in paragraphs
    assert "Offered by CARICAD" in paragraphs
    # Numbered over what participants see: the unpublished module leaves no gap.
    assert module_titles(soup) == ["Module 1: Module one", "Module 2: Module three"]
    links = [a["href"] for a in soup.select("ol.modules h3 a")]
    assert links == [MODULE, "/courses/mindsets/modules/three"]
    first = soup.select("ol.modules > li")[0]
    meta = text(first.select_one(".meta"))
    assert "Live session 21 February 2024" in meta
    assert "about 17 minutes" in meta
    assert "What it is about." in text(first)
    assert not soup.select(".badge")


def test_the_course_page_counts_the_modules_participants_see(client, db, world, sign_in_as):
    sign_in_as("enrolled")

    def count():
        return text(page(client.get(COURSE)).select_one("main .module-count"))

    assert count() == "2 modules"  # not the unpublished one
    world.modules[1].is_published = True
    db.session.commit()
    assert count() == "3 modules"
    for module in world.modules[:2]:
        module.is_archived = True
    db.session.commit()
    assert count() == "1 module"


def test_course_page_previews_unpublished_modules_with_a_badge(client, world, sign_in_as):
    sign_in_as("facilitator")
    soup = page(client.get(COURSE))
    # Numbered as participants see them; the module they do not see has no number.
    assert module_titles(soup) == [
        "Module 1: Module one", "Module two", "Module 2: Module three"
    ]
    second = soup.select("ol.modules > li")[1]
    assert text(second.select_one(".badge")) == "Unpublished"
    assert len(soup.select("ol.modules .badge")) == 1


def test_module_page(client, world, sign_in_as):
    sign_in_as("enrolled")
    response = client.get(MODULE)
    assert len(response.data) < 100_000
    soup = page(response)
    assert text(soup.h1) == "Module one"
    assert "Webinar 1 · live session 21 February 2024" in text(soup.select_one("main .meta"))
    headings = [text(h) for h in soup.find_all("h2")]
    assert headings[:2] == ["What you will learn", "In this module"]
    assert [text(li) for li in soup.find("h2", string="What you will learn")
            .find_next("ul").find_all("li")] == ["One thing"]
    items = soup.select("ol.items > li")
    assert [text(li.a) for li in items] == ["Recording", "A reading", "Self-assessment"]
    assert [text(li.select_one(".item-kind")) for li in items] == [
        "Recording", "Reading", "Self-assessment"
    ]
    assert [text(li.select_one(".item-minutes")) for li in items] == [
        "2 minutes", "10 minutes", "5 minutes"
    ]
    assert [text(li.select_one(".item-requirement")) for li in items] == ["Required"] * 3
    assert items[0].a["href"] == MODULE + "/items/recording"
    # The next module for a participant skips the unpublished one.
    assert soup.find("a", rel="next")["href"] == "/courses/mindsets/modules/three"
    assert soup.find("a", rel="prev") is None
    assert not soup.select(".badge")


def test_module_page_shows_optional_items_and_speakers(client, db, world, sign_in_as):
    module = world.modules[0]
    module.items[1].is_required = False
    module.speakers = ["Dr A. Speaker", "Ms B. Panellist"]
    db.session.commit()
    sign_in_as("enrolled")
    soup = page(client.get(MODULE))
    requirement = [text(li.select_one(".item-requirement")) for li in soup.select("ol.items > li")]
    assert requirement == ["Required", "Optional", "Required"]
    assert "Speakers: Dr A. Speaker, Ms B. Panellist" in [text(p) for p in soup.find_all("p")]


def test_unpublished_module_is_previewed_with_a_badge(client, world, sign_in_as):
    sign_in_as("facilitator")
    soup = page(client.get("/courses/mindsets/modules/two"))
    assert text(soup.select_one(".badge")) == "Unpublished"
    assert soup.find("a", rel="prev")["href"] == MODULE
    assert soup.find("a", rel="next")["href"] == "/courses/mindsets/modules/three"


def test_recording_page_has_a_captioned_player_and_the_transcript(client, world, sign_in_as):
    sign_in_as("enrolled")
    soup = page(client.get(MODULE + "/items/recording"))
    item = world.modules[0].items[0]
    video = soup.find("video")
    assert video.has_attr("controls") and video["preload"] == "metadata"
    source = video.find("source")
    assert source["src"] == f"/items/{item.id}/video" and source["type"] == "video/webm"
    track = video.find("track")
    assert track["kind"] == "captions" and track["srclang"] == "en"
    assert track["label"] == "English" and track.has_attr("default")
    assert track["src"] == f"/items/{item.id}/captions"
    transcript = soup.find("h2", string="Transcript").find_parent("section")
    assert [text(p) for p in transcript.find_all("p")] == ["Hello.", "Welcome."]
    assert soup.find("a", rel="next")["href"] == MODULE + "/items/reading"
    assert soup.find("iframe") is None


def test_external_recording_is_a_link_not_a_frame(client, db, world, sign_in_as):
    item = world.modules[0].items[0]
    item.video_path = None
    item.captions_path = None
    item.embed_url = "https://video.example.org/watch/42"
    db.session.commit()
    sign_in_as("enrolled")
    soup = page(client.get(MODULE + "/items/recording"))
    assert soup.find("video") is None and soup.find("iframe") is None
    link = soup.find("a", href="https://video.example.org/watch/42")
    assert set(link["rel"]) == {"noopener", "noreferrer"} and link["target"] == "_blank"
    assert "opens in a new tab" in text(link)
    assert soup.find("h2", string="Transcript")


def test_reading_page_renders_the_stored_html_and_safe_links(client, db, world, sign_in_as):
    item = world.modules[0].items[1]
    sign_in_as("enrolled")
    soup = page(client.get(MODULE + "/items/reading"))
    body = soup.select_one(".reading-body")
    assert text(body.p) == "Read this ."
    assert text(body.strong) == "this"
    assert soup.find("cite").get_text() == "A Report. UN, 2021."
    link = soup.find("a", href="https://example.org/report")
    assert set(link["rel"]) == {"noopener", "noreferrer"} and link["target"] == "_blank"
    assert "opens in a new tab" in text(link)
    assert soup.find("a", href=f"/items/{item.id}/file")
    assert soup.main.find("script") is None
    assert soup.find("a", rel="prev")["href"] == MODULE + "/items/recording"
    assert soup.find("a", rel="next")["href"] == MODULE + "/items/self-assessment"


def test_reading_link_that_is_not_http_is_left_out(client, db, world, sign_in_as):
    world.modules[0].items[1].url = "javascript:alert(1)"
    db.session.commit()
    sign_in_as("enrolled")
    soup = page(client.get(MODULE + "/items/reading"))
    assert not [a for a in soup.find_all("a") if a["href"].startswith("javascript")]


def test_self_assessment_page_presents_the_instrument(client, world, sign_in_as):
    sign_in_as("enrolled")
    soup = page(client.get(MODULE + "/items/self-assessment"))
    section = soup.find("h2", string="What this self-assessment asks").find_parent("section")
    assert "How I work" in text(section)
    assert "Level: Individual" in text(section)
    assert [text(li) for li in section.select("ol.scale li")] == [
        "Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"
    ]
    # A participant sees what it measures and where they stand, not the statements ahead.
    assert [text(h) for h in section.find_all("h3")] == [
        "Your self-assessment", "How you answer", "What it looks at"
    ]
    assert [text(li.strong) for li in section.select("ul.dimension-list li")] == [
        "Learning mindset"
    ]
    assert not section.select("ol.statements")
    start = section.select_one("ul.phase-list a.button")
    assert text(start) == "Start: Self-assessment"
    assert start["href"] == "/courses/mindsets/assessments/one-instrument/single"
    assert soup.main.find("form") is None
    assert soup.find("a", rel="next") is None


def test_self_assessment_page_previews_the_statements(client, world, sign_in_as):
    sign_in_as("facilitator")
    soup = page(client.get(MODULE + "/items/self-assessment"))
    section = soup.find("h2", string="What this self-assessment asks").find_parent("section")
    assert [text(h) for h in section.find_all("h3")] == ["How you answer", "Learning mindset"]
    assert [text(li) for li in section.select("ol.statements li")] == [
        "I seek feedback.", "I avoid new tools. (reverse-scored)"
    ]
    assert not section.select("ul.phase-list")


def test_item_of_an_unpublished_module_is_previewed(client, world, sign_in_as):
    sign_in_as("admin")
    soup = page(client.get("/courses/mindsets/modules/two/items/reading"))
    assert text(soup.select_one(".badge")) == "Unpublished"
