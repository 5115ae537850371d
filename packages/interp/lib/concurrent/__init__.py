"""The `concurrent` package: it holds `concurrent.futures` (our own)."""
