"""A course's own certificate wording, and each certificate's snapshot of it

The line under the participant's name on a certificate was the fixed "has completed the
course". A course may now word it otherwise (`course.certificate_wording`), and a
certificate keeps the line it was issued with (`certificate.wording`), as it keeps the
course's title and issuers: editing the course later never rewrites a certificate. NULL in
either means the default line, translated for whoever reads it: every existing course and
certificate starts so, which is what they print today.

Downgrading drops both columns. It refuses while a certificate carries a wording of its
own: without the column its PDF would print another line than the one it was issued with.

Revision ID: 6427f45011e6
Revises: 3b7c2bd5d3bc
Create Date: 2026-12-06 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6427f45011e6'
down_revision = '3b7c2bd5d3bc'
branch_labels = None
depends_on = None

WORDING_MAX = 200


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_wording', sa.String(length=WORDING_MAX),
                                      nullable=True))
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wording', sa.String(length=WORDING_MAX), nullable=True))


def downgrade():
    worded = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM certificate WHERE wording IS NOT NULL")).scalar()
    if worded:
        raise RuntimeError(
            f"{worded} certificate(s) carry a wording of their own, which this revision's "
            "predecessor cannot store: their PDFs would print the default line instead. "
            "Set certificate.wording to NULL first to go back all the same.")
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_column('wording')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('certificate_wording')
