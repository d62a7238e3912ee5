"""Certificates: issued on completion, verified in public, revocable, and as Open Badges."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)


@bp.record_once
def _issue_on_completion(state) -> None:
    """Issue in the same transaction as the completion that finishes a course.

    Connected when the blueprint is registered, once every domain is loaded (progress
    imports catalog, whose pages show certificates); blinker connects a receiver once.
    """
    from learning.certificates.services import on_item_completed
    from learning.progress.services import item_completed

    item_completed.connect(on_item_completed)


from learning.certificates import views  # noqa: E402, F401
