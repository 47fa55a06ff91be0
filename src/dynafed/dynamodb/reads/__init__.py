"""Query and Scan: what they read (a table or an index), their Select, pages and the keys
that continue them, parallel-scan segments, and reading one page into the answer."""
