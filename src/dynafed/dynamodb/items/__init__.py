"""What the operations on items share: keys checked against the table's schema, the pieces
of a single-item request, requests on many items (batches and transactions), and the one
write path that keeps indexes and item collections in step."""
