"""Roles granted and taken away, accounts deactivated and reactivated: never the last admin.

An installation always keeps one active administrator: taking the role from, or
deactivating, the last one is refused (LastAdminError). Taking a role away or deactivating
takes effect on the very next request (roles are loaded with the session, never cached).

Services add and flush; the caller (a view or a CLI command) commits.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from learning.accounts.errors import LastAdminError, RoleError
from learning.accounts.models import ROLES, User, UserRole
from learning.accounts.sessions import end_sessions
from learning.database import db


def check_role_name(role: str) -> None:
    """Refuse a role the installation does not know (RoleError)."""
    if role not in ROLES:
        raise RoleError(_("Unknown role: %(role)s.", role=role))


def _is_last_active_admin(user: User) -> bool:
    """True if the user is the only active administrator left."""
    if not (user.is_active and "admin" in user.role_names):
        return False
    # Locked rows (on PostgreSQL) keep two concurrent removals or deactivations of two
    # administrators from both passing.
    admins = db.session.scalars(
        select(UserRole.user_id)
        .join(User, User.id == UserRole.user_id)
        .where(UserRole.role == "admin", User.is_active.is_(True))
        .with_for_update(of=UserRole)
    ).all()
    return not set(admins) - {user.id}


def grant_role(user: User, role: str) -> bool:
    """Give the user a role. Granting a role already held changes nothing.

    Returns True if the role was added.
    """
    check_role_name(role)
    if role in user.role_names:
        return False
    user.roles.append(UserRole(role=role))
    db.session.flush()
    return True


def revoke_role(user: User, role: str) -> bool:
    """Take a role from the user. Returns True if the role was held and is now removed.

    Raises LastAdminError rather than leave no active administrator.
    """
    check_role_name(role)
    held = next((r for r in user.roles if r.role == role), None)
    if held is None:
        return False
    if role == "admin" and _is_last_active_admin(user):
        raise LastAdminError(
            _("%(email)s is the last administrator; grant the role to someone else first.",
              email=user.email)
        )
    user.roles.remove(held)
    db.session.flush()
    return True


# Deactivation

def deactivate_user(user: User) -> bool:
    """Deactivate the account and end its sessions: it is signed out on its very next request.

    Its progress, answers and certificates stay. Returns False if it was already
    deactivated; raises LastAdminError rather than leave no active administrator.
    """
    if not user.is_active:
        return False
    if _is_last_active_admin(user):
        raise LastAdminError(
            _("%(email)s is the last administrator; grant the role to someone else first.",
              email=user.email)
        )
    user.is_active = False
    end_sessions(user)
    db.session.flush()
    return True


def reactivate_user(user: User) -> bool:
    """Let the account sign in again. Returns False if it was active."""
    if user.is_active:
        return False
    user.is_active = True
    db.session.flush()
    return True
