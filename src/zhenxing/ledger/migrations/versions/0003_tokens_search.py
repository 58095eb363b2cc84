"""Serving: API tokens, browser sessions and the full-text search index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-03-01

Written by hand like 0001 and 0002. The four tables are portable; the search
index needs one backend-specific structure, created here per dialect:

* SQLite: an FTS5 table ``search_fts`` over ``search_sentences.tokens``
  (external content, so the tokens are stored once). The tokens are CJK
  character bigrams and lower-cased words (``zhenxing.ledger.search``), so
  FTS5's plain ``unicode61`` tokenizer only has to split them at spaces.
* PostgreSQL: a GIN index on ``to_tsvector('simple', tokens)``, the same
  tokens queried with ``to_tsquery`` phrase operators.

Tokens and secrets are stored only as salted SHA-256 digests. The index
starts empty; ``zhenxing search --rebuild`` and the server fill it for
ledgers that already hold documents.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from zhenxing.ledger.models import exact_text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", exact_text(32), nullable=False),
        sa.Column("name", exact_text(128), nullable=False),
        sa.Column("salt", exact_text(64), nullable=False),
        sa.Column("digest", exact_text(128), nullable=False),
        sa.Column("created_at", exact_text(32), nullable=False),
        sa.Column("revoked_at", exact_text(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("public_id", name="uq_api_tokens_public_id"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", exact_text(128), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("created_at", exact_text(32), nullable=False),
        sa.Column("expires_at", exact_text(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.UniqueConstraint("digest", name="uq_web_sessions_digest"),
    )
    op.create_index("ix_web_sessions_token_id", "web_sessions", ["token_id"])

    op.create_table(
        "search_sentences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_id", exact_text(64), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence", exact_text(), nullable=False),
        sa.Column("tokens", exact_text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_sentences"),
    )
    op.create_index("ix_search_sentences_doc_id", "search_sentences", ["doc_id"])
    op.create_table(
        "search_documents",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("doc_id", exact_text(64), nullable=False),
        sa.Column("version", exact_text(16), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_search_documents"),
        sa.UniqueConstraint("doc_id", name="uq_search_documents_doc_id"),
        sqlite_autoincrement=True,
    )

    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "tokens, content='search_sentences', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_sentences_tsv ON search_sentences "
            "USING gin (to_tsvector('simple', tokens))"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_documents")
    op.drop_table("search_sentences")
    op.drop_index("ix_web_sessions_token_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("api_tokens")
