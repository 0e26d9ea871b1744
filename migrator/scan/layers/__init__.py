"""Database access layers, one module each (see migrator.scan)."""
