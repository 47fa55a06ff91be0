// A DynamoDB Streams consumer as a Node service writes one with the AWS SDK for JavaScript
// v3 (@aws-sdk/client-dynamodb-streams): find the table's stream, then poll it — discover
// shards with DescribeStream, read each from TRIM_HORIZON with GetRecords, start a child
// shard only once its parent answered no NextShardIterator. Driven by
// tests/e2e/test_streams_consumers.py.
//
// Reads a JSON scenario from stdin:
//   { endpoint, region, accessKeyId, secretAccessKey, table, expected }
// Prints `polling` on a line of its own once it holds its first iterator (the test then
// writes), and at the end one JSON object: `records` (the first `expected` records read,
// in order) and `errors`, what the SDK reports for requests AWS refuses.
import { DynamoDBClient, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBStreamsClient,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

const common = {
  endpoint: input.endpoint,
  region: input.region,
  maxAttempts: 1,
  credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
};
const dynamodb = new DynamoDBClient(common);
const streams = new DynamoDBStreamsClient(common);

const table = await dynamodb.send(new DescribeTableCommand({ TableName: input.table }));
const streamArn = table.Table.LatestStreamArn;
const listed = await streams.send(new ListStreamsCommand({ TableName: input.table }));

const shards = new Map(); // shardId -> { parent, iterator, finished }
async function discover() {
  let start;
  do {
    const page = await streams.send(new DescribeStreamCommand({
      StreamArn: streamArn, ExclusiveStartShardId: start,
    }));
    for (const shard of page.StreamDescription.Shards) {
      if (!shards.has(shard.ShardId)) {
        shards.set(shard.ShardId, { parent: shard.ParentShardId, iterator: null, finished: false });
      }
    }
    start = page.StreamDescription.LastEvaluatedShardId;
  } while (start);
}

const records = [];
async function poll() {
  await discover();
  for (const [shardId, shard] of shards) {
    const parent = shards.get(shard.parent ?? '');
    if (shard.finished || (parent && !parent.finished)) continue;
    if (!shard.iterator) {
      const answer = await streams.send(new GetShardIteratorCommand({
        StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON',
      }));
      shard.iterator = answer.ShardIterator;
    }
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator }));
    records.push(...page.Records);
    shard.iterator = page.NextShardIterator;
    shard.finished = !shard.iterator;
  }
}

async function refusal(promise) {
  try {
    await promise;
    return { ok: true };
  } catch (error) {
    return { ok: false, name: error.name, status: error.$metadata?.httpStatusCode };
  }
}

await poll();
process.stdout.write('polling\n');
const deadline = Date.now() + 30_000;
while (records.length < input.expected && Date.now() < deadline) {
  const before = records.length;
  await poll();
  // A consumer's usual pause between empty polls.
  if (records.length === before) await new Promise((resolve) => setTimeout(resolve, 20));
}

const open = [...shards.values()].find((shard) => !shard.finished);
const errors = {
  forgedIterator: await refusal(streams.send(new GetRecordsCommand({
    ShardIterator: `${open.iterator.slice(0, -4)}${open.iterator.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
  }))),
  unknownStream: await refusal(streams.send(new DescribeStreamCommand({
    StreamArn: `${streamArn}x`,
  }))),
  unknownShard: await refusal(streams.send(new GetShardIteratorCommand({
    StreamArn: streamArn, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'LATEST',
  }))),
};

process.stdout.write(`${JSON.stringify({
  streamArn,
  listed: listed.Streams.map((stream) => stream.StreamArn),
  shards: shards.size,
  records: records.slice(0, input.expected).map((record) => ({
    eventName: record.eventName,
    keys: record.dynamodb.Keys,
    newImage: record.dynamodb.NewImage,
    oldImage: record.dynamodb.OldImage,
    sequenceNumber: record.dynamodb.SequenceNumber,
    created: record.dynamodb.ApproximateCreationDateTime,
  })),
  errors,
})}\n`);
