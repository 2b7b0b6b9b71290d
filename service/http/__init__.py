"""The HTTP API: problem+json errors, schemas, rate limits and the routes (one module per URL prefix)."""
