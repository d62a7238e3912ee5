"""Images of a course's library can be named

course_image holds the name a facilitator gave one of a course's images (stored under a
random file name, which readings' addresses hold); only named images have a row.

Revision ID: c4d1a9e07b3f
Revises: 7c2d9e4a1b58
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d1a9e07b3f'
down_revision = '7c2d9e4a1b58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'course_image',
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'],
                                name=op.f('fk_course_image_course_id_course'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('course_id', 'file_name', name=op.f('pk_course_image')),
    )


def downgrade():
    op.drop_table('course_image')
