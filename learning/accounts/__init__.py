"""Accounts: registration, sign-in and sign-out, profiles, password reset, roles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from learning.accounts import views  # noqa: E402, F401
