"""People's accounts: creating and registering them, finding them, their details.

Registration answers alike whether or not the address has an account (`register`): the
account is made for a new address, nothing changes for a taken one, and the address is
written to either way (`emails.send_registration_email`), so that only its owner learns which.

Services add and flush; the caller (a view or a CLI command) commits.
"""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from learning.accounts import countries
from learning.accounts.errors import EmailTakenError
from learning.accounts.models import User, UserRole, email_key
from learning.accounts.passwords import hash_password
from learning.accounts.roles import check_role_name
from learning.database import db


def find_user_by_email(email: str) -> User | None:
    """The user with this email address, compared case-insensitively."""
    return db.session.scalar(select(User).where(User.email == email_key(email)))


def email_taken(email: str) -> bool:
    """True if an account already uses this email address (in any letter case)."""
    return db.session.scalar(
        select(func.count(User.id)).where(User.email == email_key(email))
    ) > 0


def create_user(*, email: str, name: str, password: str | None, roles=("participant",),
                organisation: str = "", country: str = "", job_title: str = "") -> User:
    """Create an active account. The password must already satisfy the policy.

    A password of None makes an invited account, which cannot sign in until its owner
    chooses one (with a welcome link).
    `country` is an ISO code from the list (learning/countries.py) or "" for none.
    Raises EmailTakenError if the address is in use, also when another request registered it
    a moment ago (the unique constraint catches what the check above it could not).
    """
    if email_taken(email):
        raise EmailTakenError(_("An account with this email address already exists."))
    user = User(
        email=email_key(email),
        name=name,
        organisation=organisation,
        country=countries.check_country(country),
        job_title=job_title,
        password_hash=None if password is None else hash_password(password),
    )
    for role in dict.fromkeys(roles):
        check_role_name(role)
        user.roles.append(UserRole(role=role))
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as error:
        raise EmailTakenError(_("An account with this email address already exists.")) from error
    return user


def users_by_email(emails) -> dict[str, User]:
    """The accounts of these addresses, by their address as stored (`email_key`)."""
    keys = sorted({email_key(email) for email in emails})
    found = {}
    for start in range(0, len(keys), 500):
        found.update((user.email, user) for user in db.session.scalars(
            select(User).where(User.email.in_(keys[start:start + 500]))))
    return found


def add_invited_user(*, email: str, name: str, organisation: str = "",
                     country: str = "") -> User:
    """Add a participant's account without a password, for someone invited by a roster.

    The caller has found no account with the address in its own transaction (a roster's
    job, which holds it); the unique address refuses the account at flush otherwise, and
    the job, run again, finds it then. It cannot sign in until a password is chosen.
    """
    user = User(email=email_key(email), name=name, organisation=organisation,
                country=countries.check_country(country), job_title="", password_hash=None)
    user.roles.append(UserRole(role="participant"))
    db.session.add(user)
    return user


@dataclass(frozen=True)
class Registration:
    """What a registration did, for the email that follows it; never shown on the page.

    `user` is the new account, or the account that already had the address (unchanged);
    None only when that account has gone again since.
    """

    user: User | None
    created: bool


def register(*, email: str, name: str, password: str, organisation: str, country: str,
             job_title: str) -> Registration:
    """Create a participant's account for a new address; for a taken one, change nothing.

    The caller answers alike either way, and then calls `emails.send_registration_email`, which
    writes to the address: a welcome to a new account, to the owner of an existing one a
    notice that someone tried. A taken address costs a password hash too, as creating an
    account does, so that the time the answer takes does not tell either.
    """
    try:
        user = create_user(email=email, name=name, password=password, organisation=organisation,
                           country=country, job_title=job_title)
    except EmailTakenError:
        hash_password(password)
        return Registration(user=find_user_by_email(email), created=False)
    return Registration(user=user, created=True)


def update_profile(user: User, *, name: str, organisation: str, country: str,
                   job_title: str) -> None:
    """Change what a person says about themselves; the email address stays.

    Choosing a country (an ISO code) ends any text kept from before there was a list.
    """
    user.name = name
    user.organisation = organisation
    user.job_title = job_title
    countries.set_country(user, country)


# Correcting someone's details (administrators)

@dataclass
class DetailsChange:
    """What an edit of someone's details changed: each field's value before and after.

    `previous_email` is the address the account had before the edit, whether or not it
    changed; `by` is who made the edit.
    """

    user: User
    by: User
    previous_email: str
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def email_changed(self) -> bool:
        """Whether the account now signs in with another address."""
        return "email" in self.changed


def email_clash(user: User, email: str) -> str | None:
    """Why `user` cannot take this address (the other account holding it), or None.

    Addresses compare as they are stored (`email_key`): in any letter case.
    """
    owner = find_user_by_email(email)
    if owner is None or owner.id == user.id:
        return None
    return _("%(email)s is already the address of another account, %(name)s: each address "
             "signs in one account.", email=owner.email, name=owner.name)


def change_details(user: User, *, by: User, name: str, email: str, organisation: str,
                   country: str) -> DetailsChange:
    """Correct a person's name, email address, organisation and country.

    `country` is an ISO code from the list or "" for none; choosing one ends any text kept
    from before the list, as on the profile. Raises EmailTakenError when another account
    has the address, also when it took it a moment ago (the unique constraint catches what
    the check could not). Returns what changed, which may be nothing.
    """
    wanted = {"name": name, "email": email_key(email), "organisation": organisation,
              "country": countries.check_country(country)}
    change = DetailsChange(user=user, by=by, previous_email=user.email)
    change.changed = {key: (getattr(user, key), value) for key, value in wanted.items()
                      if getattr(user, key) != value}
    if change.email_changed and (clash := email_clash(user, email)):
        raise EmailTakenError(clash)
    user.name, user.email, user.organisation = name, wanted["email"], organisation
    try:
        with db.session.begin_nested():
            countries.set_country(user, wanted["country"])
    except IntegrityError as error:
        raise EmailTakenError(_("%(email)s is already the address of another account: each "
                                "address signs in one account.", email=wanted["email"])
                              ) from error
    return change


def log_details_change(change: DetailsChange) -> None:
    """Record in the application log who changed which of someone's details (not the values)."""
    if change.changed:
        current_app.logger.info("User %s changed the %s of user %s.", change.by.id,
                                ", ".join(change.changed), change.user.id)
