"""Administration: users and their roles, facilitators of courses, managers of cohorts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from learning.admin import views  # noqa: E402, F401
