"""Progress: what each participant has watched, read and completed."""

from flask import Blueprint

bp = Blueprint("progress", __name__, url_prefix="/progress")

from learning.progress import views  # noqa: E402, F401
