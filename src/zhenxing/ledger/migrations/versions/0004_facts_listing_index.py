"""An index for listing facts of one indicator in document order.

Revision ID: 0004
Revises: 0003
Create Date: 2026-03-02

``Ledger.facts(indicator=...)`` (``zhenxing facts --indicator``, the API's
``/api/facts``) orders by document and position. With only the single-column
index on ``indicator``, SQLite fetched every fact of the indicator and sorted
them to return the first page: 1-4 s for ``gdp`` on a ledger of a million
facts. This index holds them already in that order, so a page is read
directly (under a millisecond), and filters on region or period are checked
while walking it. Generic DDL, as 0001-0003.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_facts_indicator_order", "facts", ["indicator", "doc", "doc_id", "start", "end", "id"])


def downgrade() -> None:
    op.drop_index("ix_facts_indicator_order", table_name="facts")
