import pytest
from sqlalchemy import func, select

from learning.accounts.models import User
from learning.accounts.passwords import verify_password
from tests.accounts.conftest import STRONG_PASSWORD
from tests.factories import make_user


def create(runner, *args, password=STRONG_PASSWORD, input=None):
    return runner.invoke(
        args=["users", "create", *args],
        input=input if input is not None else f"{password}\n{password}\n",
    )


def test_create_with_roles(runner, db):
    result = create(runner, "Fran@Example.org", "--name", "Fran Facilitator",
                    "--role", "facilitator", "--role", "manager")
    assert result.exit_code == 0, result.output
    assert "Created fran@example.org" in result.output
    user = db.session.scalar(select(User))
    assert user.email == "fran@example.org"
    assert user.name == "Fran Facilitator"
    assert user.role_names == {"facilitator", "manager"}
    assert verify_password(user.password_hash, STRONG_PASSWORD)


def test_create_defaults_to_participant_and_reads_a_single_line(runner, db):
    result = create(runner, "pat@example.org", "--name", "Pat", input=f"{STRONG_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.role_names == {"participant"}
    assert verify_password(user.password_hash, STRONG_PASSWORD)


def test_create_does_not_echo_the_password(runner, db):
    result = create(runner, "pat@example.org", "--name", "Pat")
    assert STRONG_PASSWORD not in result.output


@pytest.mark.parametrize(
    ("input", "message"),
    [
        ("short\nshort\n", "at least 12"),
        ("qwerty123456\n", "too common"),
        ("", "No password"),
        (f"{STRONG_PASSWORD}\n{STRONG_PASSWORD}x\n", "not the same"),
    ],
)
def test_create_refuses_a_bad_password(runner, db, input, message):
    result = create(runner, "pat@example.org", "--name", "Pat", input=input)
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_refuses_an_existing_email_in_any_case(runner, db):
    make_user("pat@example.org")
    db.session.commit()
    result = create(runner, "PAT@example.org", "--name", "Pat")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1


@pytest.mark.parametrize("args", [
    ["not-an-email", "--name", "Pat"],
    ["pat@example.org", "--name", " "],
    ["pat@example.org", "--name", "x" * 201],
])
def test_create_refuses_bad_details(runner, db, args):
    result = create(runner, *args)
    assert result.exit_code == 1
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_refuses_an_unknown_role(runner, db):
    result = create(runner, "pat@example.org", "--name", "Pat", "--role", "owner")
    assert result.exit_code == 2
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_requires_a_name(runner, db):
    result = create(runner, "pat@example.org")
    assert result.exit_code == 2
    assert "--name" in result.output


def test_grant_and_revoke(runner, db):
    user = make_user("pat@example.org")
    db.session.commit()

    result = runner.invoke(args=["users", "grant", "PAT@example.org", "manager"])
    assert result.exit_code == 0, result.output
    assert "now has the role manager" in result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).role_names == {"participant", "manager"}

    result = runner.invoke(args=["users", "grant", "pat@example.org", "manager"])
    assert result.exit_code == 0
    assert "already had" in result.output

    result = runner.invoke(args=["users", "revoke", "pat@example.org", "participant"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).role_names == {"manager"}

    result = runner.invoke(args=["users", "revoke", "pat@example.org", "participant"])
    assert result.exit_code == 0
    assert "did not have" in result.output


def test_grant_to_an_unknown_account_fails(runner, db):
    result = runner.invoke(args=["users", "grant", "nobody@example.org", "admin"])
    assert result.exit_code == 1
    assert "No account" in result.output


def test_the_last_admin_keeps_the_role(runner, db):
    admin = make_user("admin@example.org", "admin")
    db.session.commit()
    result = runner.invoke(args=["users", "revoke", "admin@example.org", "admin"])
    assert result.exit_code == 1
    assert "last administrator" in result.output
    db.session.expire_all()
    assert db.session.get(User, admin.id).role_names == {"admin"}

    make_user("second@example.org", "admin")
    db.session.commit()
    result = runner.invoke(args=["users", "revoke", "admin@example.org", "admin"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, admin.id).role_names == set()
