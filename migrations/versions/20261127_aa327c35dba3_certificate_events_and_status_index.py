"""Certificate events (issued, revoked, re-issued) and each certificate's status-list bit

Revision ID: aa327c35dba3
Revises: cdff81df66ba
Create Date: 2026-11-27 22:24:36.443748

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aa327c35dba3'
down_revision = 'cdff81df66ba'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('issued', 'revoked', 'reissued')", name=op.f('ck_certificate_event_action_known')),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_certificate_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_certificate_event_certificate_id_certificate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_event'))
    )
    with op.batch_alter_table('certificate_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_event_certificate_id'), ['certificate_id'], unique=False)

    # Certificates issued before this revision take their id as their status-list bit: ids
    # are unique and small, and new ones are drawn at random.
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_index', sa.Integer(), nullable=True))
    op.execute("UPDATE certificate SET status_index = id")
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('status_index', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_status_index'), ['status_index'])
        batch_op.create_check_constraint('status_index_not_negative', 'status_index >= 0')


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_certificate_status_index_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_certificate_status_index'), type_='unique')
        batch_op.drop_column('status_index')

    with op.batch_alter_table('certificate_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_event_certificate_id'))

    op.drop_table('certificate_event')
