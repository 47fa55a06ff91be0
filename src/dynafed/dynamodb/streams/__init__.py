"""DynamoDB Streams: the change records every committed item write leaves behind, and the
four read operations (ListStreams, DescribeStream, GetShardIterator, GetRecords).

- `model`: a stream's storage document (status, view type, shard lineage, counters) and
  where its records live;
- `records`: the record a write appends, inside the write's own transaction;
- `lifecycle`: streams opened and closed by CreateTable, UpdateTable and DeleteTable, shard
  rollover, and the 24-hour trim;
- `iterators`: sealed, expiring shard iterators (pure);
- one module per operation, and `service`, the entry point the HTTP edge calls.

docs/streams.md describes the shard model.
"""
