"""Moving an item to another module of its course, as plain functions.

The item keeps its id, so everything recorded against it stays with it: progress and
completions (`progress.Progress.item_id`), and the self-assessment answers, which belong to
its instrument (a course's own). Only its module, its place and perhaps its slug change. It
goes to the end of the module it moves to, and the items of both modules are numbered 1, 2,
3… again (`content.writing`, as every write of positions). Self-assessment dimensions name
their helpful items by address ("module/item"): those naming the item follow it.

Whether it moves anyone's figures is not decided here: moving a required item changes what
each module asks (and moving it into or out of a draft module what the course asks), so the
page asks first as for any such change (`studio.effects`).
"""

from flask_babel import gettext as _
from sqlalchemy import select

from learning.catalog.models import Item, Module
from learning.content import writing
from learning.database import db
from learning.instruments.models import Dimension, Instrument
from learning.studio.courses import StudioError


def move_targets(item: Item) -> list[Module]:
    """The modules the item may move to: its course's others, archived ones left out."""
    return [module for module in item.module.course.modules
            if module is not item.module and not module.is_archived]


def slug_taken(item: Item, target: Module, slug: str | None = None) -> bool:
    """True if another item of the target module already has this slug (the item's own)."""
    return writing.slug_taken(slug or item.slug, target.items)


def helpful_reference(module_slug: str, item_slug: str) -> str:
    """An item's address as self-assessment dimensions name their helpful items."""
    return f"{module_slug}/{item_slug}"


def _follow_references(course_id: int, before: str, after: str) -> None:
    """Dimensions of the course's instruments that name `before` as helpful name `after`.

    The same item at a new address: not a change to what the instrument asks, so no new
    version. (Responses keep the snapshot they were answered with, old address included.)
    """
    dimensions = db.session.scalars(
        select(Dimension).join(Instrument).where(Instrument.course_id == course_id))
    for dimension in dimensions:
        references = list(dimension.helpful_items or [])
        if before in references:
            dimension.helpful_items = [after if ref == before else ref for ref in references]
    db.session.flush()


def move_item_to_module(item: Item, target: Module, slug: str | None = None) -> None:
    """Move the item to the end of another module of its course, under `slug` if given.

    Refused (StudioError) for a module that is not one of `move_targets`, or when the target
    already has an item with the slug: nothing changes then.
    """
    source = item.module
    if target not in move_targets(item):
        raise StudioError(_("Choose another module of this course, one not archived."))
    new_slug = slug or item.slug
    if slug_taken(item, target, new_slug):
        raise StudioError(_("“%(module)s” already has an item with the slug “%(slug)s”.",
                            module=target.title, slug=new_slug))
    before = helpful_reference(source.slug, item.slug)
    staying = [row for row in source.items if row is not item]
    arriving = list(target.items)
    # Out of the way of both modules' numbers before it changes module.
    writing.step_aside([item], [*staying, *arriving])
    source.items.remove(item)
    target.items.append(item)
    item.slug = new_slug
    db.session.flush()
    writing.renumber(staying)
    writing.renumber([*arriving, item])
    _follow_references(source.course_id, before, helpful_reference(target.slug, new_slug))
