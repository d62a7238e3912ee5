"""A submitted answer records the respondent's country and organisation when it was given

Group figures used to read the user's current profile, so editing a profile moved old answers
between groups (four accounts editing their country to a target's could isolate the target's
answer). A response now keeps the respondent's country and organisation from the moment it
was submitted, and every group figure reads those. Existing submitted responses take their
respondent's current profile: the best record there is of where they stood.

Downgrading drops the two columns (the older schema reads the profile again).

Revision ID: 9d4e1b7a2c60
Revises: 6f5c06174d92
Create Date: 2026-12-06 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4e1b7a2c60'
down_revision = '6f5c06174d92'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('organisation', sa.String(length=160), nullable=True))
    response = sa.table('assessment_response', sa.column('user_id', sa.Integer()),
                        sa.column('status', sa.String()), sa.column('country', sa.String()),
                        sa.column('organisation', sa.String()))
    user = sa.table('user', sa.column('id', sa.Integer()), sa.column('country', sa.String()),
                    sa.column('organisation', sa.String()))

    def of_user(column):
        return (sa.select(column).where(user.c.id == response.c.user_id).scalar_subquery())

    op.execute(response.update().where(response.c.status == 'submitted').values(
        country=of_user(user.c.country), organisation=of_user(user.c.organisation)))


def downgrade():
    with op.batch_alter_table('assessment_response', schema=None) as batch_op:
        batch_op.drop_column('organisation')
        batch_op.drop_column('country')
