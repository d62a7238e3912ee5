"""Catalog: courses, modules and items, and the pages participants browse them on."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from learning.catalog import views  # noqa: E402, F401
