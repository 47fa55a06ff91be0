// The AWS SDK for JavaScript v3 in Node, as a server-side app would use an identity pool:
// fromCognitoIdentityPool (GetId + GetCredentialsForIdentity), then DynamoDB with the result.
//
//   node web/e2e/cognito_node.mjs <endpoint> <region> <identityPoolId> <loginsKey> <idToken> <table> <otherIdentityId>
import { DynamoDBClient, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";

const [endpoint, region, identityPoolId, loginsKey, idToken, table, other] = process.argv.slice(2);
const report = {};
try {
  const provider = fromCognitoIdentityPool({
    identityPoolId,
    logins: { [loginsKey]: idToken },
    clientConfig: { region, endpoint },
  });
  const credentials = await provider();
  report.identityId = credentials.identityId;
  report.accessKeyId = credentials.accessKeyId;
  report.expiresInSeconds = Math.round((credentials.expiration.getTime() - Date.now()) / 1000);
  const dynamodb = new DynamoDBClient({ region, endpoint, credentials: provider, maxAttempts: 1 });
  const item = {
    UserId: { S: credentials.identityId },
    GameTitle: { S: "Node Rally" },
    TopScore: { N: "77" },
  };
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: item }));
  const query = (user) =>
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "UserId = :u",
      ExpressionAttributeValues: { ":u": { S: user } },
      ProjectionExpression: "UserId, GameTitle, TopScore",
    });
  report.own = (await dynamodb.send(query(credentials.identityId))).Items.map((i) => i.GameTitle.S);
  try {
    await dynamodb.send(query(other));
    report.other = "allowed";
  } catch (error) {
    report.other = error.name;
  }
} catch (error) {
  report.error = `${error.name}: ${error.message}`;
}
console.log(JSON.stringify(report));
