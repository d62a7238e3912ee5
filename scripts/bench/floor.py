"""The stack's floor: the least a sign-in page and a module page can do on our libraries.

`scripts/benchmark.py` serves this beside the app and the hello world, under the same
gunicorn settings, and measures its two pages in turn with the app's scenarios. Each does
only what issue 25's page must do at the very least, on the libraries the project is built
on, with none of the app's guarantees on top (no layout, translations, security headers,
rate limits, session expiry or roles):

- `GET /sign-in`: a Flask-WTF form (email, password, a hidden field) with its CSRF token,
  which puts the token in a new session cookie, rendered by a one-paragraph template.
- `GET /module`: a participant signed in through Flask-Login, whose session is looked up in
  the database on every request (an ORM query for the user by the session's token), then
  the module's items (a second ORM query through Flask-SQLAlchemy) in a short template with
  a link to each. On PostgreSQL reads run in autocommit, as the app's do: no BEGIN and
  ROLLBACK round trips.

A target below the floor's ratio can be met in principle; a target above it cannot be met
by any page doing that much on these libraries on this machine.

    python floor.py --setup 1000 6  # its tables, N participants and a module of K items
    gunicorn -w 2 floor:app         # serve it (SECRET_KEY and FLOOR_DATABASE_URL set)

`/enter/<n>` signs participant n in (the benchmark collects their session cookies).
"""

from __future__ import annotations

import os
import sys

from flask import Flask, abort, render_template
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from jinja2 import DictLoader
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired

DATABASE_URL = os.environ.get("FLOOR_DATABASE_URL", "sqlite:///floor.db")

TEMPLATES = {
    "sign_in.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><main><h1>Sign in</h1>
<form method="post" novalidate>{{ form.csrf_token }}{{ form.next }}
<p>{{ form.email.label }} {{ form.email(autocomplete="email") }}</p>
<p>{{ form.password.label }} {{ form.password(autocomplete="current-password") }}</p>
<button type="submit">Sign in</button></form></main></body></html>""",
    "module.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Module</title></head>
<body><p>{{ current_user.name }}</p><h1>Module</h1><ol>
{% for item in items %}<li><a href="{{ url_for('module', item=item.id) }}">{{ item.title }}</a>
 · {{ item.minutes }} minutes</li>{% endfor %}</ol></body></html>""",
}


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Participant(UserMixin, db.Model):
    __tablename__ = "floor_participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    token = ""

    def get_id(self) -> str:
        return self.token


class SignedIn(db.Model):
    __tablename__ = "floor_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("floor_participant.id"))
    token: Mapped[str] = mapped_column(unique=True)


class Item(db.Model):
    __tablename__ = "floor_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    minutes: Mapped[int]
    position: Mapped[int]


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    next = HiddenField()


app = Flask(__name__)
app.config.update(SECRET_KEY=os.environ.get("SECRET_KEY", "floor"),
                  SQLALCHEMY_DATABASE_URI=DATABASE_URL)
if DATABASE_URL.startswith("postgresql"):
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"isolation_level": "AUTOCOMMIT"}
app.jinja_loader = DictLoader(TEMPLATES)
db.init_app(app)
login_manager = LoginManager(app)

_BY_TOKEN = select(Participant, SignedIn.token).join(
    SignedIn, SignedIn.participant_id == Participant.id)


@login_manager.user_loader
def load_user(token: str):
    row = db.session.execute(_BY_TOKEN.where(SignedIn.token == token)).first()
    if row is None:
        return None
    participant, participant.token = row
    return participant


@app.get("/sign-in")
def sign_in():
    return render_template("sign_in.html", form=SignInForm())


@app.get("/enter/<int:number>")
def enter(number: int):
    row = db.session.execute(_BY_TOKEN.where(Participant.id == number)).first()
    if row is None:
        abort(404)
    participant, participant.token = row
    login_user(participant)
    return "signed in"


@app.get("/module")
@login_required
def module():
    items = db.session.scalars(select(Item).order_by(Item.position)).all()
    return render_template("module.html", items=items)


def setup(participants: int, items: int) -> None:
    """The floor's tables, made anew, with this many participants and a module's items."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.add_all(Participant(id=n, name=f"Participant {n}")
                           for n in range(1, participants + 1))
        db.session.flush()
        db.session.add_all(SignedIn(participant_id=n, token=os.urandom(16).hex())
                           for n in range(1, participants + 1))
        db.session.add_all(Item(title=f"Item {n}", minutes=10 + n, position=n)
                           for n in range(items))
        db.session.commit()
        db.engine.dispose()


if __name__ == "__main__":
    if sys.argv[1:2] != ["--setup"] or len(sys.argv) != 4:
        sys.exit("usage: python floor.py --setup PARTICIPANTS ITEMS")
    setup(int(sys.argv[2]), int(sys.argv[3]))
