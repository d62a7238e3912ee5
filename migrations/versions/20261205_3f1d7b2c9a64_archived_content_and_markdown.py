"""Archive modules and items instead of deleting them; keep the Markdown a reading was written in

Facilitators archive content that participants have progress on: it leaves every page and
the completion rule, and the progress and certificates that refer to it stay. Nothing is
archived yet, so both flags start False. A reading written in the studio keeps its Markdown
source beside the sanitised HTML it rendered to; readings imported as HTML have none.

Revision ID: 3f1d7b2c9a64
Revises: b0c3a35a29c1
Create Date: 2026-12-05 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1d7b2c9a64'
down_revision = 'b0c3a35a29c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('module', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_archived', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_archived', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('body_markdown', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('body_markdown')
        batch_op.drop_column('is_archived')
    with op.batch_alter_table('module', schema=None) as batch_op:
        batch_op.drop_column('is_archived')
