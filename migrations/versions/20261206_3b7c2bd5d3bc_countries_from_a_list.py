"""Countries from a list: a person's country becomes its ISO 3166-1 alpha-2 code

Until now a person's country was free text, so "barbados" and "Barbados" were two
countries in every report. Each distinct text is matched as the forms now match what people
type (learning.countries.match_country: a code, alpha-2 or alpha-3, or a name, letter case
and spaces aside): "barbados", " Barbados ", "BARBADOS" and "BB" all become "BB".

Nothing is lost: a text that names no country ("Atlantis", or one naming two) moves to
`country_as_entered`, and the country is left empty until an admin (Admin → Countries to
fix) or the person (their profile) chooses one, which empties it again.

The downgrade writes names back as text: each code as its English name, and the text kept
in `country_as_entered` where nobody has chosen a country since.

Revision ID: 3b7c2bd5d3bc
Revises: 5a2f8c1d9e37
Create Date: 2026-12-06 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from learning.countries import country_name, match_country


# revision identifiers, used by Alembic.
revision = '3b7c2bd5d3bc'
down_revision = '5a2f8c1d9e37'
branch_labels = None
depends_on = None

OLD_COUNTRY_MAX = 80
CODE_LENGTH = 2
NAMES_LOCALE = "en_GB"  # the language of the text before, and of the names written back

user = sa.table('user', sa.column('country', sa.String), sa.column('country_as_entered',
                                                                    sa.String))


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country_as_entered', sa.String(length=OLD_COUNTRY_MAX),
                                      server_default='', nullable=False))

    # One UPDATE per distinct text, not per person. A text is never a code that another text
    # becomes (a code matches itself), so the order of the UPDATEs does not matter.
    connection = op.get_bind()
    texts = connection.execute(sa.select(user.c.country).distinct()
                               .where(user.c.country != '')).scalars().all()
    for text in texts:
        code = match_country(text)
        if code == text:
            continue
        if code is None:
            change = {'country': '', 'country_as_entered': text}
        else:
            change = {'country': code}
        connection.execute(user.update().where(user.c.country == text).values(**change))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('country', existing_type=sa.String(length=OLD_COUNTRY_MAX),
                              type_=sa.String(length=CODE_LENGTH), existing_nullable=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('country_as_entered',
                              existing_type=sa.String(length=OLD_COUNTRY_MAX),
                              existing_nullable=False, server_default=None)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('country', existing_type=sa.String(length=CODE_LENGTH),
                              type_=sa.String(length=OLD_COUNTRY_MAX), existing_nullable=False)

    connection = op.get_bind()
    codes = connection.execute(sa.select(user.c.country).distinct()
                               .where(user.c.country != '')).scalars().all()
    # A name is never a two-letter code, so no UPDATE here touches another's rows.
    for code in codes:
        connection.execute(user.update().where(user.c.country == code)
                           .values(country=country_name(code, NAMES_LOCALE)[:OLD_COUNTRY_MAX]))
    # The text nobody has replaced by a country since (a chosen country empties it anyway).
    connection.execute(user.update().where(user.c.country == '',
                                           user.c.country_as_entered != '')
                       .values(country=user.c.country_as_entered))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('country_as_entered')
