"""The cohorts' blueprint, on which the cohort pages and the invitation page register.

The cohort pages (`views`) and the invitation page (`invitation_views`) both import it from
here: neither imports the other's module to find it.
"""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
