from sqlalchemy import func, select

from learning.catalog.models import Course
from learning.database import db
from tests.content.conftest import edit_yaml, tree


def test_import_prints_a_summary_and_a_second_run_reports_no_changes(runner, content_dir):
    first = runner.invoke(args=["content", "import", str(content_dir)])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Course demo-course: ")
    assert "created" in first.stdout and "3 copied" in first.stdout
    assert len(first.stdout.splitlines()) == 1

    second = runner.invoke(args=["content", "import", str(content_dir)])
    assert second.exit_code == 0
    assert "no changes" in second.stdout


def test_import_of_bad_files_lists_every_problem_and_exits_1(runner, content_dir):
    edit_yaml(content_dir / "01-first-module" / "module.yml",
              lambda data: data.update(title="", colour="blue"))

    result = runner.invoke(args=["content", "import", str(content_dir)])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "01-first-module/module.yml: colour: unknown key (expected slug, position, title, "
        "live_session, speakers, published, archived, summary, outcomes, items)",
        "01-first-module/module.yml: title: missing: it is empty",
        "2 problem(s) found: nothing was imported.",
    ]
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_import_of_a_folder_that_does_not_exist_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["content", "import", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_check_reports_problems_without_importing(runner, content_dir):
    ok = runner.invoke(args=["content", "check", str(content_dir)])
    assert ok.exit_code == 0 and "no problems found" in ok.stdout

    (content_dir / "course.yml").write_text("slug: demo-course\n")
    bad = runner.invoke(args=["content", "check", str(content_dir)])
    assert bad.exit_code == 1
    assert "course.yml: title: missing" in bad.stderr
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_export_writes_the_course_and_refuses_a_full_folder(runner, content_dir, tmp_path):
    runner.invoke(args=["content", "import", str(content_dir)])

    result = runner.invoke(args=["content", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Exported course demo-course to {tmp_path / 'out'}: "
                             "2 modules, 10 files.\n")
    exported = tree(tmp_path / "out")

    again = runner.invoke(args=["content", "export", str(tmp_path / "out")])
    assert again.exit_code == 1
    assert "not an empty folder" in again.stderr and "Nothing was exported." in again.stderr
    assert tree(tmp_path / "out") == exported


def test_export_needs_a_course(runner, app, tmp_path):
    result = runner.invoke(args=["content", "export", str(tmp_path / "out"),
                                 "--course", "nothing"])
    assert result.exit_code == 1
    assert "There is no course 'nothing'." in result.stderr
    assert not (tmp_path / "out").exists()
