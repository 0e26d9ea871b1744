"""Language analyzers, one module each (see migrator.scan)."""
