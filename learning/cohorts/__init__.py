"""Cohorts: groups taking a course together, joined with a code."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from learning.cohorts import views  # noqa: E402, F401
