"""The privacy ledger: every differentially private release of self-assessment figures

Group figures about self-assessments are now released through OpenDP mechanisms; each
release (one cohort, instrument, phase and partition) is kept with its cost in epsilon and
the values as shown, so that pages show them again without drawing new noise and the
budget per participant and instrument is accounted across releases.

Revision ID: e5a7c3f19b42
Revises: 9d4e1b7a2c60
Create Date: 2026-12-06 19:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a7c3f19b42'
down_revision = '9d4e1b7a2c60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'assessment_release',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('instrument_id', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=10), nullable=False),
        sa.Column('partition', sa.String(length=20), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('epsilon', sa.Double(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('epsilon > 0', name=op.f('ck_assessment_release_epsilon_positive')),
        sa.CheckConstraint("partition IN ('whole', 'country', 'organisation')",
                           name=op.f('ck_assessment_release_partition_known')),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'],
                                name=op.f('fk_assessment_release_cohort_id_cohort'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'],
                                name=op.f('fk_assessment_release_instrument_id_instrument'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_release')),
        sa.UniqueConstraint('cohort_id', 'instrument_id', 'sequence',
                            name=op.f('uq_assessment_release_cohort_id_instrument_id_sequence')),
    )
    op.create_index('ix_assessment_release_ledger', 'assessment_release',
                    ['cohort_id', 'instrument_id', 'phase', 'partition'], unique=False)


def downgrade():
    op.drop_index('ix_assessment_release_ledger', table_name='assessment_release')
    op.drop_table('assessment_release')
