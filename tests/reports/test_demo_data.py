"""Demo and synthetic data give every report something to show."""

from datetime import timedelta

from sqlalchemy import func, select

from learning.accounts.models import User, utcnow
from learning.certificates.models import Certificate, CertificateEvent
from learning.cohorts import members
from learning.cohorts.models import Cohort, Enrolment
from learning.config import ROOT
from learning.content.importer import import_content
from learning.database import db
from learning.progress import completion
from learning.reports import figures as report_figures
from learning.reports import stalling
from learning.site.demo import DEMO_COHORT, DEMO_PARTICIPANTS
from tests.conftest import page
from tests.factories import make_user


def test_generate_certifies_exactly_the_completers_and_leaves_some_stalled(runner, app):
    import_content(ROOT / "modules")
    manager = make_user("manager@example.org", "manager", name="Manu Manager")
    db.session.commit()
    result = runner.invoke(args=["demo", "generate", "--participants", "80", "--seed", "7"])
    assert result.exit_code == 0, result.output
    cohort = db.session.scalar(select(Cohort))
    assert [m.id for m in cohort.managers] == [manager.id]
    participants = members.member_ids(cohort.id)
    complete = completion.completion_times(cohort.course_id, participants)
    certificates = {c.user_id: c for c in db.session.scalars(select(Certificate))}
    assert complete and set(certificates) == set(complete)
    for user_id, at in complete.items():
        assert certificates[user_id].issued_at == at
        assert certificates[user_id].cohort_id == cohort.id
    assert db.session.scalar(select(func.count(CertificateEvent.id))) == len(certificates)
    joined = dict(db.session.execute(
        select(Enrolment.user_id, Enrolment.enrolled_at)
        .where(Enrolment.cohort_id == cohort.id)).all())
    assert all(joined[user_id] <= at <= utcnow() for user_id, at in complete.items())
    assert stalling.stalled_ids(cohort, stalling.stall_cutoff(14))


def test_demo_load_gives_the_demo_manager_a_cohort_with_figures(runner, app, client, auth,
                                                               tmp_path):
    app.config["INSTANCE_DIR"] = str(tmp_path)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    password = next(line.split()[-1] for line in result.output.splitlines()
                    if "manager@example.org" in line)
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    assert db.session.scalar(select(func.count(Enrolment.id))
                             .where(Enrolment.cohort_id == cohort.id)) == DEMO_PARTICIPANTS + 1

    response = auth.login("manager@example.org", password)
    assert response.headers["Location"] == "/reports"
    soup = page(client.get(f"/reports/cohorts/{cohort.id}"))
    figures = {dt.get_text(strip=True): dd.get_text(strip=True)
               for dt, dd in zip(soup.select(".report-figures dt"),
                                 soup.select(".report-figures dd"), strict=True)}
    assert int(figures["Started"]) > 0
    assert int(figures["Completed the course"]) > 0
    assert figures["Median time to complete"] != "No one yet"
    assert soup.select("table.weekly-table tbody tr")

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count(User.id))
                             .where(User.email.like("synthetic-%"))) == DEMO_PARTICIPANTS


def test_generated_activity_is_spread_over_weeks(runner, app):
    import_content(ROOT / "modules")
    db.session.commit()
    runner.invoke(args=["demo", "generate", "--participants", "40"])
    cohort = db.session.scalar(select(Cohort))
    joined = list(db.session.scalars(select(Enrolment.enrolled_at)
                                     .where(Enrolment.cohort_id == cohort.id)))
    assert max(joined) - min(joined) > timedelta(days=14)


def test_the_demo_cohorts_funnel_and_stalls_follow_the_module_order(runner, app):
    """Module by module, fewer people get further, and nobody is stalled at a self-assessment's
    "after" while anything else is left (issue #22: module one was "completed" by 2 of 60)."""
    import_content(ROOT / "modules")
    db.session.commit()
    result = runner.invoke(args=["demo", "generate", "--participants", "80", "--seed", "7"])
    assert result.exit_code == 0, result.output
    cohort = db.session.scalar(select(Cohort))
    figures = report_figures.overview(cohort)
    per_module = [figure.completed for figure in figures.modules]
    assert per_module == sorted(per_module, reverse=True)
    assert per_module[0] > figures.completed >= 1
    assert per_module[-1] >= figures.completed
    points = stalling.stopping_points(cohort, stalling.stall_cutoff(14))
    assert points
    # Whoever stopped at an "after" has done every module's work: they count for every module
    # and have not completed the course.
    at_the_end = sum(point.stalled for point in points if point.item.ends_course)
    assert at_the_end <= min(per_module) - figures.completed
    assert any(not point.item.ends_course for point in points)
