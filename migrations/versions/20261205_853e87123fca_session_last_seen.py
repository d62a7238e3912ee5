"""Sessions record their last activity, for an idle expiry

A session now ends after SESSION_IDLE_MINUTES without a request. Nothing recorded when
existing sessions were last used: they count as last seen when they began, so those idle
longer than the limit since signing in end at the upgrade, and their owners sign in again.

Revision ID: 853e87123fca
Revises: 7c3e9a1f5b20
Create Date: 2026-12-05 10:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '853e87123fca'
down_revision = '7c3e9a1f5b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE user_session SET last_seen_at = created_at')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.alter_column('last_seen_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
