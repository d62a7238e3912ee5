"""A heartbeat is one short transaction: nothing is read back after the commit."""

from tests import factories


def test_a_heartbeat_answers_without_reading_after_its_write(app, client, auth, db,
                                                              count_queries):
    course = factories.make_course(slug="mindsets")
    module = factories.make_module(course, slug="one")
    factories.enrol(factories.make_user("participant@example.org"), factories.make_cohort(course))
    db.session.commit()
    item_id = module.items[0].id
    auth.login()

    with count_queries() as counter:
        response = client.post(f"/progress/items/{item_id}/watch",
                               data={"intervals": "[[0, 12]]", "position": "12"})

    assert response.status_code == 200
    assert response.json == {"status": "in_progress", "watched_percent": 20, "position": 12}
    # Reading the row or the item after the commit would start a second transaction (on
    # SQLite, a second write lock) just to answer.
    assert counter.statements[-1].startswith("UPDATE progress")
    if db.engine.dialect.name == "sqlite":
        assert [s for s in counter.statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]
