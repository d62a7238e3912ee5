"""People's countries: choosing one from the list, and those still to choose.

The list, the names and the matching of text are `learning/countries.py`. Here: a person's
country as stored (an ISO code, or "" when not given), and the text kept from before
countries came from a list where it named none (`User.country_as_entered`), until someone
chooses the country it meant.
"""

from sqlalchemy import Select, func, select

from learning.accounts.models import User
from learning.countries import is_country
from learning.database import db


def check_country(code: str) -> str:
    """The code if it is a country on the list, or "" (none given); ValueError otherwise."""
    if code and not is_country(code):
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code on the list")
    return code


def set_country(user: User, code: str) -> None:
    """Give the person a country from the list: any text kept from before is done with."""
    user.country = check_country(code)
    if code:
        user.country_as_entered = ""
    db.session.flush()


def countries_to_fix() -> Select:
    """The people whose country, typed before there was a list, named none; by name."""
    return (select(User).where(User.country_as_entered != "")
            .order_by(func.lower(User.name), User.id))


def count_countries_to_fix() -> int:
    """How many people have a country still to choose for what they had typed."""
    return db.session.scalar(select(func.count(User.id)).where(User.country_as_entered != ""))
