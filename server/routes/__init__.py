"""HTTP routes, one module per subject; each exposes ``routes``."""
