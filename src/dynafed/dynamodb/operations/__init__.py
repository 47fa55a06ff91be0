"""One module per DynamoDB operation, named after it, and nothing else.

Each module declares, beside its `run(ctx, body)`: `REQUEST` (the request's shape, from the
service model, typed by its `dynamodb.requests` TypedDict: `validate_request` returns one),
`RUNS_INLINE` (whether the edge may run it on the event loop) and its authorization.
Operations never import each other; what several share lives in `items/`, `reads/`,
`control_plane/` and `fgac`. `dynamodb.service` registers them.
"""
