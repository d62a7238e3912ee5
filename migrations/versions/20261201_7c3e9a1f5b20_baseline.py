"""Mark the "before" responses that are real baselines

A "before" response counts as a baseline only if it was submitted while the baseline window
was open (from enrolment until the participant completes an item beyond the course's opening
items). The window did not exist when earlier responses were submitted, so nothing can say
they were taken at the start: they stay False, and no shift is shown against them.

Revision ID: 7c3e9a1f5b20
Revises: 8b057ccf8ffc
Create Date: 2026-12-01 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e9a1f5b20'
down_revision = '8b057ccf8ffc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_baseline', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_assessment_response_baseline_is_submitted_before'),
            "NOT is_baseline OR (phase = 'before' AND status = 'submitted')")


def downgrade():
    with op.batch_alter_table('assessment_response', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_assessment_response_baseline_is_submitted_before'),
                                 type_='check')
        batch_op.drop_column('is_baseline')
