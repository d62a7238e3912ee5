"""Remember the reminders sent to stalled participants

The stalls page shows when each participant was last reminded, and the reminder button
skips those reminded within REMINDER_INTERVAL_DAYS. No reminder was recorded before, so the
table starts empty.

Revision ID: c4e8d2a61f07
Revises: 3f1d7b2c9a64
Create Date: 2026-12-05 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8d2a61f07'
down_revision = '3f1d7b2c9a64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_reminder_cohort_id_cohort'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], name=op.f('fk_reminder_sent_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reminder_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    )
    op.create_index('ix_reminder_cohort_user_sent', 'reminder', ['cohort_id', 'user_id', 'sent_at'], unique=False)


def downgrade():
    op.drop_index('ix_reminder_cohort_user_sent', table_name='reminder')
    op.drop_table('reminder')
