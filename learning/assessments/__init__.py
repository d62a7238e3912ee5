"""Self-assessments: taking an instrument, results and the mindset shift, group aggregates."""

from flask import Blueprint

bp = Blueprint("assessments", __name__)

from learning.assessments import views  # noqa: E402, F401
