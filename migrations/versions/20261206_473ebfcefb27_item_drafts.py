"""Items get drafts, as modules have: an item is published or a draft

A new item in a published module went live at once and sent everyone who had finished the
module back to "in progress". Items now carry their own publication state: a draft is seen
only by facilitators previewing and counts for nothing in the completion rule or the
reports. Every item so far was live, so every existing row starts published.

Downgrading cannot keep a draft a draft (the older schema has no such state, and dropping
the column alone would show every draft to participants and count it in the completion
rule). Drafts not archived already are archived instead: still hidden from everyone and out
of the rule, their progress kept, and a facilitator can restore them.

Revision ID: 473ebfcefb27
Revises: 6427f45011e6
Create Date: 2026-12-06 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '473ebfcefb27'
down_revision = '6427f45011e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_published', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    item = sa.table('item', sa.column('is_published', sa.Boolean()),
                    sa.column('is_archived', sa.Boolean()))
    op.execute(item.update().where(item.c.is_published.is_(False))
               .values(is_archived=True))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('is_published')
