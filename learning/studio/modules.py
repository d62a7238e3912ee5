"""The authoring rules for a course's modules, as plain functions.

A module's slug is free among the course's modules, and it is placed, moved and deleted
by the rules of `content.writing`, which the content importer follows too. A module none of
whose items anyone has touched may be deleted; otherwise it can only be archived. Editing
never touches anyone's progress rows. Services add and flush; the view commits once.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from learning.catalog.models import Course, Module
from learning.content import writing
from learning.database import db
from learning.studio.courses import StudioError, swap_with_neighbour


@dataclass(frozen=True)
class ModuleFields:
    """What the module form sets."""

    title: str
    slug: str
    summary: str
    outcomes: list[str]
    live_session_on: date | None
    speakers: list[str]
    is_published: bool


def _assign_module(module: Module, fields: ModuleFields) -> None:
    module.title = fields.title
    module.slug = fields.slug
    module.summary = fields.summary
    module.outcomes = list(fields.outcomes)
    module.live_session_on = fields.live_session_on
    module.speakers = list(fields.speakers)
    module.is_published = fields.is_published


def create_module(course: Course, fields: ModuleFields) -> Module:
    """A new module at the end of the course."""
    if writing.slug_taken(fields.slug, course.modules):
        raise StudioError(_("Another module of this course already uses this slug."))
    module = Module(course=course, position=writing.next_position(course.modules))
    _assign_module(module, fields)
    db.session.add(module)
    db.session.flush()
    return module


def update_module(module: Module, fields: ModuleFields) -> None:
    """Change the module's fields; its items and everyone's progress on them stay."""
    if writing.slug_taken(fields.slug, module.course.modules, leaving_out=module):
        raise StudioError(_("Another module of this course already uses this slug."))
    _assign_module(module, fields)
    db.session.flush()


def move_module(module: Module, direction: str) -> bool:
    """Move the module one place up or down the course; False if it is already at that end."""
    return swap_with_neighbour(list(module.course.modules), module, direction)


def delete_module(module: Module) -> None:
    """Delete a module none of whose items anyone has touched; refused otherwise."""
    if not writing.may_delete(module.items, writing.progress_on(module.items)):
        raise StudioError(_("People have progress on this module: archive it instead."))
    module.course.modules.remove(module)
    db.session.flush()
