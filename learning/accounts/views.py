"""Account pages: register, sign in and out, profile, password change and reset."""

import hashlib

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from learning.accounts import defences, emails, links, sessions, signing_in, users
from learning.accounts.errors import InvalidInvitationError, InvalidResetLinkError
from learning.accounts.forms import (
    ChangePasswordForm,
    EmptyForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileForm,
    RegisterForm,
    SignInForm,
    password_hint,
)
from learning.accounts.models import email_key
from learning.catalog.models import Course
from learning.cohorts.joining import join_cohort
from learning.cohorts.models import Cohort
from learning.database import db
from learning.extensions import limiter

bp = Blueprint("accounts", __name__)


def _sign_in_rate_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _account_address_rate_limit() -> str:
    return current_app.config["SIGN_IN_ACCOUNT_ADDRESS_RATE_LIMIT"]


def _account_address_key() -> str:
    """The account a sign-in names and the address it comes from (`defences`)."""
    return "sign-in:" + defences.account_address_key(request.form.get("email", ""),
                                                     get_remote_address())


def _renew_session(user) -> None:
    """Sign the user in on a fresh session: nothing from before sign-in survives."""
    session.clear()
    sessions.start_session(user)
    login_user(user)


def _register_rate_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _register_email_rate_limit() -> str:
    return current_app.config["REGISTER_EMAIL_RATE_LIMIT"]


def _registration_email_key() -> str:
    """The address a registration names, hashed: any letter case counts as one."""
    email = email_key(request.form.get("email", ""))
    return "register:" + hashlib.sha256(email.encode()).hexdigest()


def _registered(response) -> bool:
    """Whether a registration was accepted (new address or taken: the answer is the same)."""
    return response.status_code == 302


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_rate_limit, methods=["POST"], deduct_when=_registered)
@limiter.limit(_register_email_rate_limit, key_func=_registration_email_key, methods=["POST"],
               deduct_when=_registered)
def register():
    """Create an account, answering alike whether or not the address had one.

    Either way the answer is the sign-in page, asking to check the email: a new account is
    welcomed there, the owner of a taken address told that someone tried
    (`users.register`). Accepted registrations count against limits per client address
    and per address registered; a form sent back with mistakes does not.
    """
    if current_user.is_authenticated:
        return redirect(url_for("catalog.my_learning"))
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        registration = users.register(
            email=form.email.data,
            name=form.name.data,
            password=form.password.data,
            organisation=form.organisation.data,
            country=form.country.data,
            job_title=form.job_title.data or "",
        )
        # The message is written with the account, in one transaction, and sent after it.
        emails.send_registration_email(registration)
        db.session.commit()
        flash(_("Check your email: we have sent a message to %(email)s. If you have just "
                "created your account, sign in with its password to continue.",
                email=email_key(form.email.data)), "info")
        return redirect(url_for(
            "accounts.sign_in",
            next=signing_in.safe_next(form.next.data) or url_for("cohorts.join")))
    return render_template("accounts/register.html", form=form, password_hint=password_hint())


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_rate_limit, methods=["POST"])
@limiter.limit(_account_address_rate_limit, key_func=_account_address_key, methods=["POST"])
def sign_in():
    """Sign in, within the limits of `defences`: a stranger's guesses never lock out the owner."""
    form = SignInForm(next=request.args.get("next", ""))
    target = signing_in.safe_next(form.next.data or request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for(signing_in.landing_endpoint(current_user)))
    if form.validate_on_submit():
        email = form.email.data
        if defences.account_throttled(email) and not defences.is_known_device(email):
            return render_template("accounts/sign_in_throttled.html"), 429
        user = signing_in.authenticate(email, form.password.data)
        if user is None:
            defences.record_failure(email)
            form.form_errors.append(_("Email or password is incorrect."))
        elif not user.is_active:
            form.form_errors.append(
                _("This account has been deactivated. Contact the people who run the programme.")
            )
        else:
            _renew_session(user)
            # Asked before the commit, which expires the user: reading the roles after it
            # would load them again.
            landing = url_for(signing_in.landing_endpoint(user))
            db.session.commit()
            return defences.remember_device(redirect(target or landing), email)
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    if not EmptyForm().validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        sessions.end_session(current_user.session_token)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("site.home"))


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of the account, on every device and server, this one included."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    sessions.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out everywhere: every device must sign in again."), "info")
    return redirect(url_for("site.home"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        users.update_profile(
            current_user,
            name=form.name.data,
            organisation=form.organisation.data,
            country=form.country.data,
            job_title=form.job_title.data or "",
        )
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        signing_in.change_password(
            current_user, form.password.data, keep_token=current_user.session_token
        )
        db.session.commit()
        flash(
            _("Your password has been changed. You have been signed out everywhere else."),
            "success",
        )
        return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/change_password.html", form=form, password_hint=password_hint()
    )


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_sign_in_rate_limit, methods=["POST"])
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        emails.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _(
                "If an account exists for %(email)s, we have sent it a link to reset the "
                "password. Check your email, including the spam folder.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/request_password_reset.html", form=form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = links.user_for_reset_token(token)
    except InvalidResetLinkError as error:
        return render_template(
            "accounts/reset_link_invalid.html", message=str(error)
        ), 400
    form = PasswordResetForm(user)
    if form.validate_on_submit():
        links.reset_password(user, form.password.data)
        _renew_session(user)
        db.session.commit()
        flash(_("Your password has been changed and you are signed in."), "success")
        return redirect(url_for("catalog.my_learning"))
    return render_template(
        "accounts/reset_password.html", form=form, token=token, password_hint=password_hint()
    )


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """An invited person's first visit: choose a password, once, and be signed in."""
    try:
        invitation = links.read_invitation(token)
    except InvalidInvitationError as error:
        return render_template(
            "accounts/invitation_invalid.html", message=str(error), expired=error.expired
        ), 400
    user = invitation.user
    course = db.session.get(Course, invitation.course_id) if invitation.course_id else None
    form = PasswordResetForm(user)
    if form.validate_on_submit():
        links.accept_invitation(user, form.password.data)
        cohort = db.session.get(Cohort, invitation.cohort_id) if invitation.cohort_id else None
        if cohort is not None:
            join_cohort(user, cohort)  # a roster's invitation: in the cohort once accepted
        _renew_session(user)
        db.session.commit()
        flash(_("Welcome, %(name)s. Your password is set and you are signed in.",
                name=user.name), "success")
        return redirect(url_for("catalog.my_learning"))
    return render_template(
        "accounts/welcome.html", form=form, token=token, user=user, course=course,
        password_hint=password_hint(),
    )
