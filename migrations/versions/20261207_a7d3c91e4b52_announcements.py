"""Announcements: a facilitator's message to a cohort or part of it, and who received it

announcement keeps each message sent (subject, Markdown, its sanitised HTML, the selection,
the form's token, unique so that a double submit sends once); announcement_recipient each
person it went to, with the name and address it was sent to.

Revision ID: a7d3c91e4b52
Revises: c4d1a9e07b3f
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d3c91e4b52'
down_revision = 'c4d1a9e07b3f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'announcement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('subject', sa.String(length=150), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('audience', sa.String(length=20), nullable=False),
        sa.Column('audience_module_id', sa.Integer(), nullable=True),
        sa.Column('audience_country', sa.String(length=2), nullable=False),
        sa.Column('recipient_count', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['audience_module_id'], ['module.id'],
                                name=op.f('fk_announcement_audience_module_id_module'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'],
                                name=op.f('fk_announcement_cohort_id_cohort'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'],
                                name=op.f('fk_announcement_sent_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement')),
        sa.UniqueConstraint('token', name=op.f('uq_announcement_token')),
    )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_cohort_id'), ['cohort_id'],
                              unique=False)
    op.create_table(
        'announcement_recipient',
        sa.Column('announcement_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(['announcement_id'], ['announcement.id'],
                                name=op.f('fk_announcement_recipient_announcement_id_announcement'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_announcement_recipient_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('announcement_id', 'user_id',
                                name=op.f('pk_announcement_recipient')),
    )
    with op.batch_alter_table('announcement_recipient', schema=None) as batch_op:
        batch_op.create_index('ix_announcement_recipient_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('announcement_recipient', schema=None) as batch_op:
        batch_op.drop_index('ix_announcement_recipient_user_id')
    op.drop_table('announcement_recipient')
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_cohort_id'))
    op.drop_table('announcement')
