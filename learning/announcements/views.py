"""Announcement pages: writing, previewing and sending a message; a sent one; a person's own.

A facilitator writes on one form, which posts to itself: "Preview" shows the message as its
recipients will see it with how many they are, "Change it" brings the form back as typed,
"Send" records and sends it (`services.send`). Each of these checks the form again and
resolves who matches now, so a selection that matches no one is refused whatever the
button. The pages for a cohort ask the one rule for running it
(`cohorts.access.get_cohort_for_edit_or_404`); a person's own messages are theirs alone.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from learning.accounts.permissions import role_required
from learning.announcements import audiences, services
from learning.announcements.forms import AnnouncementForm, audience_labels
from learning.announcements.models import BODY_MAX, SUBJECT_MAX
from learning.cohorts import access
from learning.countries import country_name
from learning.database import db
from learning.mail import services as mail

bp = Blueprint("announcements", __name__)

PREVIEW_NAMES = 50


def _cohort(id):
    return access.get_cohort_for_edit_or_404(id, current_user)


def _stall_days() -> int:
    return current_app.config["REPORTS_STALL_DAYS"]


def _form(cohort, **values) -> AnnouncementForm:
    """The message form with the cohort's modules and countries to choose from."""
    form = AnnouncementForm(**values)
    form.module.choices = [SelectChoice(module.id, _("Module %(position)d: %(title)s",
                                                     position=number, title=module.title))
                           for number, module in audiences.numbered_modules(cohort)]
    form.country.choices = [SelectChoice(code, name)
                            for code, name in audiences.countries(cohort)]
    return form


def _compose_page(cohort, form):
    return render_template("announcements/compose.html", cohort=cohort, course=cohort.course,
                           form=form, body_max=BODY_MAX, subject_max=SUBJECT_MAX,
                           stall_days=_stall_days())


def _no_one(form) -> None:
    form.audience.errors = [*form.audience.errors, _(
        "No one in this cohort matches: nothing was sent. Choose others to send it to.")]


@bp.route("/studio/cohorts/<int:id>/announcements/new", methods=["GET", "POST"])
@role_required("facilitator")
def compose(id):
    """Write a message (GET), then preview, change or send it (POST, by the button pressed)."""
    cohort = _cohort(id)
    if request.method == "GET":
        audience = request.args.get("audience", "all")
        return _compose_page(cohort, _form(cohort, token=services.new_token(),
                                           audience=audience if audience in audience_labels()
                                           else "all"))
    form = _form(cohort)
    action = request.form.get("action", "preview")
    if not form.validate_on_submit():
        if form.token.errors:  # an expired or tampered form: a new token, nothing lost
            form.token.data = services.new_token()
        return _compose_page(cohort, form)
    if action == "edit":
        return _compose_page(cohort, form)
    if action == "send":
        return _send(cohort, form)
    people = audiences.recipients(cohort, form.selection(), _stall_days())
    if not people:
        _no_one(form)
        return _compose_page(cohort, form)
    return render_template(
        "announcements/preview.html", cohort=cohort, course=cohort.course, form=form,
        body_html=services.render(form.body.data), count=len(people),
        names=[person.name for person in people[:PREVIEW_NAMES]],
        audience=_selection_words(form))


def _selection_words(form) -> str:
    """Who the form's message is for, in words."""
    words = str(audience_labels()[form.audience.data])
    if form.audience.data == "not_finished":
        words += ": " + _choice_label(form.module)
    elif form.audience.data == "country":
        words += ": " + _choice_label(form.country)
    elif form.audience.data == "stalled":
        words += " " + ngettext("(nothing done for %(num)d day or more)",
                                "(nothing done for %(num)d days or more)", _stall_days())
    return words


def _choice_label(field) -> str:
    """The label of the choice a select field holds."""
    return next(str(choice.label) for choice in field.choices if choice.value == field.data)


def _send(cohort, form):
    try:
        announcement, created = services.send(
            cohort, form.selection(), form.subject.data, form.body.data, form.token.data,
            current_user, _stall_days())
    except services.NoRecipients:
        _no_one(form)
        return _compose_page(cohort, form)
    if announcement.cohort_id != cohort.id:
        abort(400)  # a token copied from another cohort's form
    db.session.commit()
    if created:
        flash(*mail.written_notice(
            ngettext("Your message “%(subject)s” is sent to %(num)d person: it is emailed "
                     "within a minute or so, and they see it on My learning.",
                     "Your message “%(subject)s” is sent to %(num)d people: it is emailed "
                     "within a minute or so, and they see it on My learning.",
                     announcement.recipient_count, subject=announcement.subject),
            ngettext("Your message “%(subject)s” is recorded for %(num)d person, who sees it on "
                     "My learning; email is off on this installation, so it was not emailed.",
                     "Your message “%(subject)s” is recorded for %(num)d people, who see it on "
                     "My learning; email is off on this installation, so it was not emailed.",
                     announcement.recipient_count, subject=announcement.subject)))
    else:
        flash(_("This message was sent already: it is not sent twice."), "info")
    return redirect(url_for("announcements.announcement", id=cohort.id,
                            announcement_id=announcement.id))


@bp.get("/studio/cohorts/<int:id>/announcements/<int:announcement_id>")
@role_required("facilitator")
def announcement(id, announcement_id):
    """A message sent to the cohort, and who it went to, as recorded when it was sent."""
    cohort = _cohort(id)
    sent = services.of_cohort(cohort, announcement_id)
    if sent is None:
        abort(404)
    return render_template("announcements/announcement.html", cohort=cohort,
                           course=cohort.course, announcement=sent,
                           recipients=services.recipients_of(sent),
                           audience=_sent_selection_words(cohort, sent))


def _sent_selection_words(cohort, sent) -> str:
    """Who a sent message was for, in words (a module by its current number and title)."""
    words = str(audience_labels().get(sent.audience, sent.audience))
    if sent.audience == "not_finished":
        numbered = {module.id: (number, module.title)
                    for number, module in audiences.numbered_modules(cohort)}
        if sent.audience_module_id in numbered:
            number, title = numbered[sent.audience_module_id]
            words += ": " + _("Module %(position)d: %(title)s", position=number, title=title)
    elif sent.audience == "country":
        words += ": " + country_name(sent.audience_country)
    return words


@bp.get("/announcements")
@login_required
def mine():
    """Every message the signed-in person received, newest first."""
    return render_template("announcements/mine.html",
                           received=services.received(current_user.id))
