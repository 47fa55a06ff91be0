// The GameScores scenario as a web app written with the AWS SDK for JavaScript v3 runs it:
// trade each user's ID token for GameRole credentials (unsigned AssumeRoleWithWebIdentity),
// then call DynamoDB directly with them. Driven by tests/e2e/test_enforcement_js_sdk.py.
//
// Reads a JSON scenario from stdin:
//   { endpoint, region, roleArn, table, game, users: {login: idToken}, badToken }
// Prints one JSON object: the outcome of every step, each `{ok: true, ...}` or
// `{ok: false, name, status, message}` as the SDK reports it.
import { STSClient, AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  DescribeTableCommand,
  ExecuteStatementCommand,
} from '@aws-sdk/client-dynamodb';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

const common = { endpoint: input.endpoint, region: input.region, maxAttempts: 1 };
const sts = new STSClient(common);

async function outcome(promise) {
  try {
    const value = await promise;
    return { ok: true, value };
  } catch (error) {
    return {
      ok: false,
      name: error.name,
      status: error.$metadata?.httpStatusCode,
      message: error.message,
    };
  }
}

async function signIn(login, token) {
  const answer = await sts.send(new AssumeRoleWithWebIdentityCommand({
    RoleArn: input.roleArn,
    RoleSessionName: login,
    WebIdentityToken: token,
    DurationSeconds: 900,
  }));
  const c = answer.Credentials;
  return {
    answer,
    dynamodb: new DynamoDBClient({
      ...common,
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      },
    }),
    credentials: c,
  };
}

const key = (user) => ({ UserId: { S: user }, GameTitle: { S: input.game } });
const results = {};
const sessions = {};

for (const [login, token] of Object.entries(input.users)) {
  const session = await signIn(login, token);
  sessions[login] = session;
  results[`${login}.assume`] = {
    ok: true,
    arn: session.answer.AssumedRoleUser.Arn,
    subject: session.answer.SubjectFromWebIdentityToken,
    provider: session.answer.Provider,
    accessKeyId: session.credentials.AccessKeyId,
    expirationIsDate: session.credentials.Expiration instanceof Date,
  };
  const db = session.dynamodb;
  results[`${login}.putOwn`] = await outcome(db.send(new PutItemCommand({
    TableName: input.table,
    Item: { ...key(login), TopScore: { N: String(login.length * 1000) }, Wins: { N: '1' } },
  })));
  results[`${login}.getOwn`] = await outcome(db.send(new GetItemCommand({
    TableName: input.table, Key: key(login), ProjectionExpression: 'UserId, TopScore',
  })).then((r) => r.Item));
}

const [first, second] = Object.keys(input.users);
const db = sessions[first].dynamodb;
results.getOther = await outcome(db.send(new GetItemCommand({
  TableName: input.table, Key: key(second), ProjectionExpression: 'TopScore',
})));
results.putOther = await outcome(db.send(new PutItemCommand({
  TableName: input.table, Item: { ...key(second), TopScore: { N: '0' } },
})));
results.putUnlisted = await outcome(db.send(new PutItemCommand({
  TableName: input.table, Item: { ...key(first), Email: { S: 'x@example.test' } },
})));
results.getAllAttributes = await outcome(db.send(new GetItemCommand({
  TableName: input.table, Key: key(first),
})));
results.queryOwn = await outcome(db.send(new QueryCommand({
  TableName: input.table,
  KeyConditionExpression: 'UserId = :me',
  ExpressionAttributeValues: { ':me': { S: first } },
  ProjectionExpression: 'GameTitle, TopScore',
})).then((r) => r.Items));
results.queryOther = await outcome(db.send(new QueryCommand({
  TableName: input.table,
  KeyConditionExpression: 'UserId = :them',
  ExpressionAttributeValues: { ':them': { S: second } },
  ProjectionExpression: 'TopScore',
})));
results.scan = await outcome(db.send(new ScanCommand({
  TableName: input.table, ProjectionExpression: 'TopScore',
})));
results.describeTable = await outcome(db.send(new DescribeTableCommand({ TableName: input.table })));
const select = `SELECT TopScore FROM "${input.table}" WHERE UserId = ? AND GameTitle = ?`;
results.partiqlOwn = await outcome(db.send(new ExecuteStatementCommand({
  Statement: select, Parameters: [{ S: first }, { S: input.game }],
})).then((r) => r.Items));
results.partiqlOther = await outcome(db.send(new ExecuteStatementCommand({
  Statement: select, Parameters: [{ S: second }, { S: input.game }],
})));

// Doctored credentials and tokens.
const c = sessions[first].credentials;
const flipped = c.SessionToken.slice(0, 30) + (c.SessionToken[30] === 'A' ? 'B' : 'A')
  + c.SessionToken.slice(31);
const tampered = new DynamoDBClient({
  ...common,
  credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: flipped },
});
results.tamperedSessionToken = await outcome(tampered.send(new PutItemCommand({
  TableName: input.table, Item: { ...key(first), Wins: { N: '99' } },
})));
results.badIdToken = await outcome(sts.send(new AssumeRoleWithWebIdentityCommand({
  RoleArn: input.roleArn, RoleSessionName: 'mallory', WebIdentityToken: input.badToken,
})));

process.stdout.write(JSON.stringify(results));
