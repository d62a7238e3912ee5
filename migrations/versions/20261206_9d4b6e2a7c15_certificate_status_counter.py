"""A counter for revocation status list positions, so issuing reads no other certificate

Issuing a certificate drew a random position in the revocation status list and, to avoid the
taken ones, read every certificate's position first: a query that grew with every
certificate issued. Positions now come from a counter (`learning/certificates/status.py`):
its number, shuffled by a keyed permutation of the list, is the position. On PostgreSQL the
counter is the sequence `certificate_status_number`; on SQLite the one row of
`certificate_status_counter` (the table exists on both, so that both have one schema).

The counter starts after the highest certificate id: at least as many numbers as there are
certificates count as handed out. Positions drawn at random before this revision stay as
they are; a number whose position one of them holds is skipped when issuing (the unique
constraint on `status_index` says so).

Downgrading drops the counter and the sequence; every certificate keeps its position.

Revision ID: 9d4b6e2a7c15
Revises: 473ebfcefb27
Create Date: 2026-12-06 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4b6e2a7c15'
down_revision = '473ebfcefb27'
branch_labels = None
depends_on = None

SEQUENCE = 'certificate_status_number'


def upgrade():
    op.create_table(
        'certificate_status_counter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('allocated', sa.Integer(), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_certificate_status_counter_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_status_counter')),
    )
    bind = op.get_bind()
    highest = bind.execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM certificate")).scalar()
    counter = sa.table('certificate_status_counter', sa.column('id', sa.Integer()),
                       sa.column('allocated', sa.Integer()))
    op.execute(counter.insert().values(id=1, allocated=highest))
    if bind.dialect.name == 'postgresql':
        op.execute(sa.schema.CreateSequence(sa.Sequence(SEQUENCE, start=highest + 1)))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.schema.DropSequence(sa.Sequence(SEQUENCE)))
    op.drop_table('certificate_status_counter')
