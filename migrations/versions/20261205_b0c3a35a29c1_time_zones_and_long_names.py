"""Cohorts' time zones, certificates dated in them, and room for long names

Cohorts get a time zone (an IANA name). Existing cohorts take the installation's
DEFAULT_TIME_ZONE, as new ones do when nobody chooses.

Certificates record the time zone they are dated in. Those issued before this revision were
dated in UTC, and their PDFs are already in people's hands: they keep their dates, and say
so ("UTC"), rather than have their verification pages disagree with what they print.

People's names, and the names certificates are issued to, widen from 120 to 200
characters, so that a long name is stored (and printed) whole.

Revision ID: b0c3a35a29c1
Revises: 853e87123fca
Create Date: 2026-12-05 10:10:00.000000

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = 'b0c3a35a29c1'
down_revision = '853e87123fca'
branch_labels = None
depends_on = None

FALLBACK_TIME_ZONE = "America/Port_of_Spain"
OLD_NAME_MAX = 120
NAME_MAX = 200


def _default_time_zone() -> str:
    # Flask-Migrate runs migrations inside the application, whose configuration says it.
    try:
        return current_app.config.get("DEFAULT_TIME_ZONE") or FALLBACK_TIME_ZONE
    except RuntimeError:  # outside an application context
        return FALLBACK_TIME_ZONE


def upgrade():
    # The server default fills the existing rows, then goes: the application sets the column.
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64),
                                      server_default=_default_time_zone(), nullable=False))
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.alter_column('time_zone', existing_type=sa.String(length=64),
                              existing_nullable=False, server_default=None)

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='UTC',
                                      nullable=False))
        batch_op.alter_column('recipient_name', existing_type=sa.String(length=OLD_NAME_MAX),
                              type_=sa.String(length=NAME_MAX), existing_nullable=False)
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('time_zone', existing_type=sa.String(length=64),
                              existing_nullable=False, server_default=None)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=OLD_NAME_MAX),
                              type_=sa.String(length=NAME_MAX), existing_nullable=False)


def downgrade():
    # A name longer than the old limit would be cut (SQLite) or refused mid-way (PostgreSQL):
    # stop before changing anything, and say which table holds one.
    connection = op.get_bind()
    for table, column in (('user', 'name'), ('certificate', 'recipient_name')):
        longest = connection.execute(sa.text(
            f'SELECT max(length({column})) FROM "{table}"')).scalar()
        if longest and longest > OLD_NAME_MAX:
            raise RuntimeError(
                f"{table}.{column} holds a name of {longest} characters, longer than the "
                f"{OLD_NAME_MAX} this revision's predecessor allows; shorten it first.")

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=NAME_MAX),
                              type_=sa.String(length=OLD_NAME_MAX), existing_nullable=False)

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('recipient_name', existing_type=sa.String(length=NAME_MAX),
                              type_=sa.String(length=OLD_NAME_MAX), existing_nullable=False)
        batch_op.drop_column('time_zone')

    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
