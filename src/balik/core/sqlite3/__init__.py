"""Django's SQLite backend, with the database file and its journals readable by their owner only."""
