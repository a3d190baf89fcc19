"""Services on a real database: SQLite by default, PostgreSQL when PILOTE_TEST_DATABASE_URL is set."""
