"""Pages and behaviour shared by every domain: home, health check, errors, security headers."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from learning.core import views  # noqa: E402, F401
