"""Persistence: engine, models, queries and migrations. Imports nothing else of Pilote."""
