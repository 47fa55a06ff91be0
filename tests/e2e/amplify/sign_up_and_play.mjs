// The real aws-amplify v6 package in Node, unmodified, pointed at dynafed: sign up, confirm
// with the code the test reads from the outbox (given on stdin), sign in (SRP, Amplify's
// default), fetchAuthSession (the identity pool's credentials), then read and write
// GameScores items with them. Each step is one JSON line on stdout.
import readline from "node:readline";

import { Amplify } from "aws-amplify";
import { confirmSignUp, fetchAuthSession, signIn, signUp } from "aws-amplify/auth";
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";

const config = JSON.parse(process.env.DYNAFED_AMPLIFY_CONFIG);
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const input = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => input.once("line", resolve));

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: config.userPoolId,
      userPoolClientId: config.clientId,
      identityPoolId: config.identityPoolId,
      userPoolEndpoint: config.endpoint,
      identityPoolEndpoint: config.endpoint,
      loginWith: { username: true },
      signUpVerificationMethod: "code",
    },
  },
});

async function denied(send) {
  try {
    await send();
    return null;
  } catch (error) {
    return error.name;
  }
}

try {
  const { username, password, email } = config;
  const up = await signUp({ username, password, options: { userAttributes: { email } } });
  say({
    step: "signed-up",
    complete: up.isSignUpComplete,
    next: up.nextStep.signUpStep,
    destination: up.nextStep.codeDeliveryDetails?.destination ?? null,
  });
  const code = (await nextLine()).trim();
  const confirmed = await confirmSignUp({ username, confirmationCode: code });
  const signedIn = await signIn({ username, password });
  const session = await fetchAuthSession();
  const db = new DynamoDBClient({
    region: config.region,
    endpoint: config.endpoint,
    credentials: session.credentials,
  });
  const own = { UserId: { S: session.identityId }, GameTitle: { S: "Amplify" } };
  await db.send(
    new PutItemCommand({ TableName: "GameScores", Item: { ...own, TopScore: { N: "42" } } }),
  );
  // GameRole lets reads name only the table's attributes (the FGAC guide's policy).
  const projection = "UserId, GameTitle, TopScore";
  const get = (Key) =>
    db.send(new GetItemCommand({ TableName: "GameScores", Key, ProjectionExpression: projection }));
  const read = await get(own);
  const other = { UserId: { S: config.otherIdentityId }, GameTitle: { S: "Amplify" } };
  say({
    step: "played",
    confirmed: confirmed.isSignUpComplete,
    signedIn: signedIn.isSignedIn,
    identityId: session.identityId,
    tokenUser: session.tokens.idToken.payload["cognito:username"],
    score: read.Item?.TopScore?.N ?? null,
    otherRead: await denied(() => get(other)),
    otherWrite: await denied(() =>
      db.send(new PutItemCommand({ TableName: "GameScores", Item: { ...other, TopScore: { N: "1" } } })),
    ),
  });
  process.exit(0);
} catch (error) {
  say({ step: "failed", name: error.name, message: error.message });
  process.exit(1);
}
