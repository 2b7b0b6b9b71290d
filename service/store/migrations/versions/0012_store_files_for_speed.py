"""uploads compressed with lz4 and kept predictions stored raw, on PostgreSQL

PostgreSQL compresses every large value with pglz by default: a 700 KB upload cost its backend
milliseconds of CPU to store and again at every read, and kept predictions (binary floats, which do
not compress) paid for the attempt. Uploads now use lz4, several times faster at a like ratio
(pglz where the server was built without it), and kept predictions are stored as they are. Values
written before keep their form until rewritten. SQLite stores values as they are: nothing to do.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 11:00:00

"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# EXECUTE defers parsing to run time, so a server without lz4 (or older than 14) keeps its default.
UPLOADS_WITH_LZ4 = """
DO $$ BEGIN
    EXECUTE 'ALTER TABLE submission_files ALTER COLUMN content SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    RAISE NOTICE 'lz4 is not available: uploads keep the default compression';
END $$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(UPLOADS_WITH_LZ4)
    op.execute('ALTER TABLE kept_predictions ALTER COLUMN "values" SET STORAGE EXTERNAL')


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute('ALTER TABLE kept_predictions ALTER COLUMN "values" SET STORAGE EXTENDED')
    op.execute("DO $$ BEGIN EXECUTE 'ALTER TABLE submission_files ALTER COLUMN content SET COMPRESSION DEFAULT'; "
               "EXCEPTION WHEN syntax_error THEN NULL; END $$")
