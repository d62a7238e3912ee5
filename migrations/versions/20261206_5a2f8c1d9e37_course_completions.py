"""Record course completions as facts that later course changes cannot take away

A completion was derived from progress each time it was counted, so publishing a new
required module made every certificate holder "in progress" again. The new table records
it once, when the rule is met. Every certificate issued so far was issued the moment its
holder met the rule: each becomes a completion, dated when it was issued (and withdrawn if
the certificate stands revoked).

Revision ID: 5a2f8c1d9e37
Revises: c4e8d2a61f07
Create Date: 2026-12-06 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a2f8c1d9e37'
down_revision = 'c4e8d2a61f07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'course_completion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_completion_course_id_course'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_course_completion_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_course_completion')),
        sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_course_completion_user_id_course_id')),
    )
    op.execute(
        "INSERT INTO course_completion (user_id, course_id, completed_at, revoked_at) "
        "SELECT user_id, course_id, issued_at, revoked_at FROM certificate"
    )


def downgrade():
    op.drop_table('course_completion')
