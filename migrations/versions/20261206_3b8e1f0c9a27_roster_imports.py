"""Rosters are imported by a job; invited accounts have no password until they choose one

roster_import keeps a checked roster file's rows for the job that imports them, its status
and its counts; user.password_hash becomes nullable (an invited account has none). A
downgrade gives password-less accounts an unusable hash ("!"), which no password matches.

Revision ID: 3b8e1f0c9a27
Revises: e5a7c3f19b42
Create Date: 2026-12-06 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b8e1f0c9a27'
down_revision = 'e5a7c3f19b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'roster_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('invited', sa.Integer(), nullable=False),
        sa.Column('already', sa.Integer(), nullable=False),
        sa.Column('rows', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'],
                                name=op.f('fk_roster_import_cohort_id_cohort'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_roster_import_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_import')),
    )
    with op.batch_alter_table('roster_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_import_cohort_id'), ['cohort_id'],
                              unique=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255),
                              nullable=True)


def downgrade():
    op.execute("UPDATE \"user\" SET password_hash = '!' WHERE password_hash IS NULL")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255),
                              nullable=False)
    with op.batch_alter_table('roster_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_import_cohort_id'))
    op.drop_table('roster_import')
