"""Schedules per cohort: when each module opens and is due, and the due reminders sent

cohort_module_schedule holds a cohort's opening and due dates per module (unique per cohort
and module; a due date never before the opening); due_reminder records each reminder
queued before a due date, once per cohort, module and participant.

Revision ID: 7c2d9e4a1b58
Revises: 3b8e1f0c9a27
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2d9e4a1b58'
down_revision = '3b8e1f0c9a27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cohort_module_schedule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.Integer(), nullable=False),
        sa.Column('opens_on', sa.Date(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.CheckConstraint('due_on IS NULL OR opens_on IS NULL OR due_on >= opens_on',
                           name=op.f('ck_cohort_module_schedule_due_after_opening')),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'],
                                name=op.f('fk_cohort_module_schedule_cohort_id_cohort'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['module_id'], ['module.id'],
                                name=op.f('fk_cohort_module_schedule_module_id_module'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_module_schedule')),
        sa.UniqueConstraint('cohort_id', 'module_id',
                            name=op.f('uq_cohort_module_schedule_cohort_id_module_id')),
    )
    with op.batch_alter_table('cohort_module_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_module_schedule_module_id'), ['module_id'],
                              unique=False)
    op.create_table(
        'due_reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'],
                                name=op.f('fk_due_reminder_cohort_id_cohort'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['module_id'], ['module.id'],
                                name=op.f('fk_due_reminder_module_id_module'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_due_reminder_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_due_reminder')),
        sa.UniqueConstraint('cohort_id', 'module_id', 'user_id',
                            name=op.f('uq_due_reminder_cohort_id_module_id_user_id')),
    )


def downgrade():
    op.drop_table('due_reminder')
    with op.batch_alter_table('cohort_module_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_module_schedule_module_id'))
    op.drop_table('cohort_module_schedule')
