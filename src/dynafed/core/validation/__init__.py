"""The one request validator: shapes from botocore's service models, checked in AWS's order.

`models.input_shape` reads an operation's input shape (with a service's `Refinements`);
`json_request.validate_json` checks a JSON body against it in two passes, as AWS does: JSON
types first (`json_types`, a `WrongJsonType` fails the whole request), then every constraint
together (`constraints`, one `ValidationFailed` listing them). Each service maps the two failures to
its own error codes. Checks that need more than one member, or parse an expression, belong to
the operation that owns them.
"""
