"""ledger stage: documents and facts in SQL (``store.Ledger``), schema owned by alembic (``migrations/``).

Nothing is imported here so that ``import zhenxing.ledger`` stays free of SQLAlchemy.
"""
