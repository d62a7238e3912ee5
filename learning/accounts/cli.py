"""`flask users ...`: create accounts and grant or remove roles from the command line."""

import sys

import click
from flask.cli import AppGroup

from learning.accounts import users
from learning.accounts.errors import AccountError, RoleError
from learning.accounts.forms import EMAIL_MAX, NAME_MAX
from learning.accounts.models import ROLES, User
from learning.accounts.passwords import password_problem
from learning.accounts.roles import grant_role, revoke_role
from learning.database import db, write_transaction

users_cli = AppGroup("users", help="Manage user accounts.")


def _read_password() -> str:
    """The new password: prompted twice on a terminal, else the first line of standard input.

    A second piped line, when there is one, must repeat the first, as a terminal would ask.
    """
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    lines = sys.stdin.read().splitlines()
    if not lines or not lines[0]:
        raise click.ClickException("No password given on standard input.")
    if len(lines) > 1 and lines[1] and lines[1] != lines[0]:
        raise click.ClickException("The two passwords given on standard input are not the same.")
    return lines[0]


def _user_or_fail(email: str) -> User:
    user = users.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email address {email}.")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role", "roles", multiple=True, type=click.Choice(ROLES),
    help="A role to grant; repeat for several. Default: participant.",
)
def create(email: str, name: str, roles: tuple[str, ...]) -> None:
    """Create an account; the password is read from standard input."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(f"{email} is not a valid email address: {error}") from error
    name = name.strip()
    if not name or len(name) > NAME_MAX or len(email) > EMAIL_MAX:
        raise click.ClickException(
            f"The name must have 1 to {NAME_MAX} characters and the email at most {EMAIL_MAX}."
        )
    password = _read_password()
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.ClickException(str(problem))
    with write_transaction():
        try:
            user = users.create_user(
                email=email, name=name, password=password, roles=roles or ("participant",)
            )
        except AccountError as error:
            db.session.rollback()
            raise click.ClickException(f"{email}: {error}") from error
        db.session.commit()
        click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.role_names))}.")


@users_cli.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def grant(email: str, role: str) -> None:
    """Give an account a role (nothing changes if it already has it)."""
    with write_transaction():
        user = _user_or_fail(email)
        added = grant_role(user, role)
        db.session.commit()
    if added:
        click.echo(f"{user.email} now has the role {role}.")
    else:
        click.echo(f"{user.email} already had the role {role}.")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def revoke(email: str, role: str) -> None:
    """Take a role from an account (the last administrator keeps theirs)."""
    with write_transaction():
        user = _user_or_fail(email)
        try:
            removed = revoke_role(user, role)
        except RoleError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
    if removed:
        click.echo(f"{user.email} no longer has the role {role}.")
    else:
        click.echo(f"{user.email} did not have the role {role}.")
