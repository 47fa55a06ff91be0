"""What the table operations share: request shapes of key schemas, indexes and tags, the
rules a table definition must follow, the TableDescription answer, and table ARNs."""
