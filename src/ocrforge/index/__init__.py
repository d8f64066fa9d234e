"""Making image, PDF and video collections searchable by their text: read, tag, store (SQLite FTS5), search."""
