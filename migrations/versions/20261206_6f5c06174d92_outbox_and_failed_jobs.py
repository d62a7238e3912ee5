"""Email goes through an outbox; jobs that fail for good are kept

Every email is written as a row of outbox_message in the transaction that causes it and
sent afterwards by a job; failed_job keeps the jobs that failed on every attempt, for the
admins. Both tables start empty: mail sent before was not kept.

Revision ID: 6f5c06174d92
Revises: 9d4b6e2a7c15
Create Date: 2026-12-06 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6f5c06174d92'
down_revision = '9d4b6e2a7c15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('message_id', sa.String(length=250), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_message_id')),
    )
    op.create_index('ix_outbox_message_status_due_at', 'outbox_message', ['status', 'due_at'],
                    unique=False)
    op.create_index('ix_outbox_message_created_at', 'outbox_message', ['created_at'],
                    unique=False)
    op.create_table(
        'failed_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('arguments', sa.Text(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_job')),
    )
    op.create_index(op.f('ix_failed_job_failed_at'), 'failed_job', ['failed_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_failed_job_failed_at'), table_name='failed_job')
    op.drop_table('failed_job')
    op.drop_index('ix_outbox_message_created_at', table_name='outbox_message')
    op.drop_index('ix_outbox_message_status_due_at', table_name='outbox_message')
    op.drop_table('outbox_message')
