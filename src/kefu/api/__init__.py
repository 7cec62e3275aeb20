"""REST API (/api/v1) and its plumbing: session and auth dependencies, error mapping."""
