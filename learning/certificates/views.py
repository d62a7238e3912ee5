"""Certificate pages: mine, downloads, public verification, management, and what verifiers fetch."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from learning.certificates import badges, keys, on_change, pdf
from learning.certificates import services as certificates
from learning.certificates.forms import ReasonForm, VerifyForm
from learning.database import db
from learning.extensions import limiter
from learning.progress import services as progress

bp = Blueprint("certificates", __name__)


@bp.record_once
def _issue_on_completion(state) -> None:
    """Issue in the transaction of the completion, or course change, that completes someone."""
    progress.item_completed.connect(certificates.on_item_completed)
    on_change.certify_on_course_changes()

# Codes are unguessable, but a public look-up still should not serve as an oracle at speed.
VERIFY_RATE_LIMIT = "30 per minute"
# Verifiers poll the status list; a short cache spares the database without hiding a
# revocation for long.
STATUS_LIST_MAX_AGE = 300
ACTION_LABELS = {"issued": _l("Issued"), "revoked": _l("Revoked"), "reissued": _l("Re-issued")}


def _verify_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", VERIFY_RATE_LIMIT)


def _certificate_or_404(code: str):
    certificate = certificates.get_certificate_by_code(code)
    if certificate is None:
        abort(404)
    return certificate


def _downloadable_or_404(code: str):
    """The certificate, if the signed-in user may download it; 404 for anyone else."""
    certificate = _certificate_or_404(code)
    if not certificates.can_download(current_user, certificate):
        abort(404)
    return certificate


def _manageable_or_404(code: str):
    certificate = _certificate_or_404(code)
    if not certificates.can_manage(current_user, certificate):
        abort(404)
    return certificate


def _private(response: Response) -> Response:
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@bp.get("/certificates")
@login_required
def mine():
    rows = [
        {
            "certificate": certificate,
            "linkedin": certificates.linkedin_url(certificate, badges.verify_url(certificate)),
        }
        for certificate in certificates.certificates_of(current_user)
    ]
    return render_template("certificates/mine.html", rows=rows)


@bp.get("/certificates/<code>.pdf")
@login_required
def download_pdf(code):
    certificate = _downloadable_or_404(code)
    response = Response(pdf.render(certificate), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.code}.pdf"'
    )
    return _private(response)


@bp.get("/certificates/<code>/open-badge.jwt")
@login_required
def open_badge(code):
    certificate = _downloadable_or_404(code)
    response = Response(badges.signed_credential(certificate), mimetype="application/jwt")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="open-badge-{certificate.code}.jwt"'
    )
    return _private(response)


def _render_manage(certificate, form=None):
    return render_template(
        "certificates/manage.html",
        certificate=certificate,
        form=form or ReasonForm(),
        verify_url=badges.verify_url(certificate),
        action_labels=ACTION_LABELS,
    )


@bp.get("/certificates/<code>/manage")
@login_required
def manage(code):
    return _render_manage(_manageable_or_404(code))


def _change(code, action, done: str):
    """Revoke or re-issue with the reason from the form; errors go back on the same page."""
    certificate = _manageable_or_404(code)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _render_manage(certificate, form)
    try:
        action(certificate, current_user, form.reason.data)
    except certificates.CertificateError as error:
        # The services refuse before changing anything, so there is nothing to roll back.
        form.reason.errors = [str(error)]
        return _render_manage(certificate, form)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("certificates.manage", code=certificate.code))


@bp.post("/certificates/<code>/revoke")
@login_required
def revoke(code):
    return _change(code, certificates.revoke,
                   _("Certificate revoked. Its verification page now shows it as revoked."))


@bp.post("/certificates/<code>/reissue")
@login_required
def reissue(code):
    return _change(code, certificates.reissue,
                   _("Certificate re-issued. Its verification page shows it as valid again."))


@bp.get("/verify")
@limiter.limit(_verify_limit)
def verify_form():
    form = VerifyForm(request.args)
    if request.args and form.validate():
        code = certificates.normalise_code(form.code.data)
        if code is not None:
            return redirect(url_for("certificates.verify", code=code))
        form.code.errors.append(
            _("This is not a certificate code. Codes have 20 letters and digits, printed "
              "in groups of four.")
        )
    return render_template("certificates/verify_form.html", form=form)


@bp.get("/verify/<code>")
@limiter.limit(_verify_limit)
def verify(code):
    certificate = certificates.get_certificate_by_code(code)
    if certificate is None:
        return render_template("certificates/unknown.html", form=VerifyForm()), 404
    if certificate.code != code:
        return redirect(url_for("certificates.verify", code=certificate.code))
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        can_manage=certificates.can_manage(current_user, certificate),
    )


@bp.get("/certificates/status/revocation")
def status_list():
    # Signed like the badge, and served with the badge's media type.
    response = Response(badges.signed_status_list_credential(), mimetype="application/jwt")
    response.cache_control.public = True
    response.cache_control.max_age = STATUS_LIST_MAX_AGE
    return response


@bp.get("/issuer")
def issuer():
    return jsonify(badges.issuer_profile())


@bp.get("/.well-known/jwks.json")
def jwks():
    return jsonify(keys.jwks())


@bp.get("/issuer/keys/<kid>")
def key(kid):
    jwk = keys.public_jwk()
    if jwk["kid"].rsplit("/", 1)[-1] != kid:
        abort(404)
    return jsonify(jwk)


@bp.app_template_filter("certificate_code")
def certificate_code(code: str) -> str:
    """A verification code as printed: groups of four joined by hyphens."""
    return certificates.format_code(code)
