"""What a participant's module page asks of the database (it is in the load benchmark)."""

from tests.factories import make_module


def selects(counter):
    return [s for s in counter.statements if s.lstrip().startswith("SELECT")]


def test_a_participants_module_page_does_not_load_the_facilitators(client, world, sign_in_as,
                                                                   count_queries):
    sign_in_as("enrolled")

    with count_queries() as counter:
        response = client.get("/courses/mindsets/modules/one")

    assert response.status_code == 200
    assert not any("course_facilitator" in statement for statement in counter.statements)


def test_the_module_page_makes_as_many_queries_however_big_the_course(app, client, db, world,
                                                                      sign_in_as, count_queries):
    sign_in_as("enrolled")
    with count_queries() as few:
        client.get("/courses/mindsets/modules/one")

    for position in (4, 5, 6):
        make_module(world.course, f"more-{position}", position=position)
    db.session.commit()
    with count_queries() as many:
        response = client.get("/courses/mindsets/modules/one")

    assert response.status_code == 200
    assert len(selects(many)) == len(selects(few))


def test_a_facilitator_still_previews_an_unpublished_module(client, world, sign_in_as):
    sign_in_as("facilitator")

    assert client.get("/courses/mindsets/modules/two").status_code == 200
