// What an app built on the real aws-amplify v6 package does, unmodified, against dynafed:
// sign up, confirm with a code, sign in (SRP, Amplify's default), fetchAuthSession (the
// identity pool's credentials), then read and write GameScores items with them. The same
// module runs in Node (sign_up_and_play.mjs) and, bundled by esbuild, in Chromium
// (chromium_run.mjs).
import { Amplify } from "aws-amplify";
import { confirmSignUp, fetchAuthSession, signIn, signUp } from "aws-amplify/auth";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";

function configure(config) {
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
}

async function denied(send) {
  try {
    await send();
    return null;
  } catch (error) {
    return error.name;
  }
}

export async function signUpStep(config) {
  configure(config);
  const { username, password, email } = config;
  const up = await signUp({ username, password, options: { userAttributes: { email } } });
  return {
    step: "signed-up",
    complete: up.isSignUpComplete,
    next: up.nextStep.signUpStep,
    destination: up.nextStep.codeDeliveryDetails?.destination ?? null,
  };
}

export async function playStep(config, code) {
  configure(config);
  const { username, password } = config;
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
  const get = (Key) =>
    db.send(
      new GetItemCommand({
        TableName: "GameScores",
        Key,
        ProjectionExpression: "UserId, GameTitle, TopScore",
      }),
    );
  const read = await get(own);
  const other = { UserId: { S: config.otherIdentityId }, GameTitle: { S: "Amplify" } };
  return {
    step: "played",
    confirmed: confirmed.isSignUpComplete,
    signedIn: signedIn.isSignedIn,
    identityId: session.identityId,
    tokenUser: session.tokens.idToken.payload["cognito:username"],
    score: read.Item?.TopScore?.N ?? null,
    otherRead: await denied(() => get(other)),
    otherWrite: await denied(() =>
      db.send(
        new PutItemCommand({ TableName: "GameScores", Item: { ...other, TopScore: { N: "1" } } }),
      ),
    ),
  };
}
