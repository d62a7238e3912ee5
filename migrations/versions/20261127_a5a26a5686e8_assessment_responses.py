"""Self-assessment responses and answers, and instrument versions

Revision ID: a5a26a5686e8
Revises: aa327c35dba3
Create Date: 2026-11-27 22:30:06.081543

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5a26a5686e8'
down_revision = 'aa327c35dba3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('reflection', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)", name=op.f('ck_assessment_response_submitted_at_iff_submitted')),
    sa.CheckConstraint("phase IN ('single', 'before', 'after')", name=op.f('ck_assessment_response_phase_known')),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_assessment_response_status_known')),
    sa.CheckConstraint('reflection IS NULL OR length(reflection) <= 1000', name=op.f('ck_assessment_response_reflection_length')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_assessment_response_version_positive')),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_assessment_response_instrument_id_instrument'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_assessment_response_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_response')),
    sa.UniqueConstraint('user_id', 'instrument_id', 'phase', name=op.f('uq_assessment_response_user_id_instrument_id_phase'))
    )
    op.create_index('ix_assessment_response_instrument_phase', 'assessment_response',
                    ['instrument_id', 'phase', 'status'], unique=False)
    op.create_table('assessment_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('statement_key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value BETWEEN 1 AND 5', name=op.f('ck_assessment_answer_value_on_scale')),
    sa.ForeignKeyConstraint(['response_id'], ['assessment_response.id'], name=op.f('fk_assessment_answer_response_id_assessment_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_answer')),
    sa.UniqueConstraint('response_id', 'statement_key', name=op.f('uq_assessment_answer_response_id_statement_key'))
    )
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint(op.f('ck_instrument_version_positive'), 'version >= 1')


def downgrade():
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_instrument_version_positive'), type_='check')
        batch_op.drop_column('version')

    op.drop_table('assessment_answer')
    op.drop_index('ix_assessment_response_instrument_phase', table_name='assessment_response')
    op.drop_table('assessment_response')
