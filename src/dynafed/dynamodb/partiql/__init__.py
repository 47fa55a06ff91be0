"""PartiQL for DynamoDB: one parser feeding the expression engine and the existing operations.

`parser` turns a statement (and its `?` parameters) into `statements` whose conditions,
paths and update actions are `dynamodb.expr.ast` nodes; `translate` turns a statement into
the request of the operation that runs it (GetItem, Query, Scan, PutItem, UpdateItem,
DeleteItem); `authorization` authorizes that operation as the PartiQL action
(`dynamodb:PartiQLSelect/Insert/Update/Delete`); `execution` runs it. Parser, renderer and
translator are pure.
"""
