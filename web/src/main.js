// The GameScores page. Everything AWS-facing goes through the AWS SDK for JavaScript v3,
// pointed at the dynafed endpoint the page was served from (config.json).
import { CognitoIdentityClient, GetIdCommand, GetOpenIdTokenCommand } from "@aws-sdk/client-cognito-identity";
import { DynamoDBClient, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { authorizeUrl, exchangeCode, readCallback, tokenClaims } from "./signin.js";

const $ = (id) => document.getElementById(id);
const store = window.sessionStorage;

function setState(state) {
  document.body.dataset.state = state;
}

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "status error" : "status";
}

function show(signedIn) {
  $("signed-in").hidden = !signedIn;
  $("signed-out").hidden = signedIn;
}

// Enhanced flow: the identity pool picks the role and hands out credentials.
async function enhancedCredentials(config, idToken) {
  const provider = fromCognitoIdentityPool({
    identityPoolId: config.identityPoolId,
    logins: { [config.userPool.loginsKey]: idToken },
    clientConfig: { region: config.region, endpoint: config.endpoint },
  });
  const credentials = await provider();
  return { credentials, identityId: credentials.identityId };
}

// Basic flow: the identity pool vouches for the identity, STS issues the credentials.
async function basicCredentials(config, idToken) {
  const logins = { [config.userPool.loginsKey]: idToken };
  const cognito = new CognitoIdentityClient({ region: config.region, endpoint: config.endpoint });
  const { IdentityId } = await cognito.send(
    new GetIdCommand({ IdentityPoolId: config.identityPoolId, Logins: logins }),
  );
  const { Token } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }));
  const sts = new STSClient({ region: config.region, endpoint: config.endpoint });
  const answer = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: config.roleArn,
      RoleSessionName: "gamescores-web",
      WebIdentityToken: Token,
    }),
  );
  const c = answer.Credentials;
  const credentials = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
  return { credentials, identityId: IdentityId, sessionArn: answer.AssumedRoleUser.Arn };
}

function scoresQuery(config, identityId) {
  return new QueryCommand({
    TableName: config.table,
    KeyConditionExpression: "UserId = :user",
    ExpressionAttributeValues: { ":user": { S: identityId } },
    // The policy requires dynamodb:Select = SPECIFIC_ATTRIBUTES: name the attributes.
    ProjectionExpression: config.attributes.join(", "),
  });
}

function renderScores(items) {
  const body = $("scores");
  body.replaceChildren();
  for (const item of items) {
    const row = document.createElement("tr");
    for (const name of ["GameTitle", "TopScore", "Wins", "Losses", "TopScoreDateTime"]) {
      const cell = document.createElement("td");
      const value = item[name];
      cell.textContent = value ? (value.S ?? value.N) : "";
      row.append(cell);
    }
    body.append(row);
  }
  if (items.length === 0) {
    const row = document.createElement("tr");
    row.innerHTML = '<td colspan="5">No scores yet.</td>';
    body.append(row);
  }
}

async function signedIn(config, idToken, mode) {
  const claims = tokenClaims(idToken);
  $("whoami").textContent = claims["cognito:username"];
  $("mode-used").textContent = mode === "basic" ? "STS web identity" : "identity pool";
  show(true);
  setState("loading");
  status("Getting AWS credentials…");
  const session =
    mode === "basic" ? await basicCredentials(config, idToken) : await enhancedCredentials(config, idToken);
  $("identity-id").textContent = session.identityId;
  const dynamodb = new DynamoDBClient({
    region: config.region,
    endpoint: config.endpoint,
    credentials: session.credentials,
    maxAttempts: 1,
  });
  $("session-arn").textContent = session.sessionArn ?? "assumed-role/GameRole/CognitoIdentityCredentials";

  const refresh = async () => {
    const { Items } = await dynamodb.send(scoresQuery(config, session.identityId));
    renderScores(Items);
  };
  await refresh();

  const others = config.players.filter((p) => p.identityId !== session.identityId);
  $("other-player").replaceChildren(
    ...others.map((p) => new Option(`${p.username} (${p.identityId})`, p.identityId)),
  );

  $("save-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    setState("saving");
    try {
      await dynamodb.send(
        new PutItemCommand({
          TableName: config.table,
          Item: {
            UserId: { S: session.identityId },
            GameTitle: { S: $("game").value },
            TopScore: { N: String(Number($("score").value)) },
            Wins: { N: String(Number($("wins").value || 0)) },
            Losses: { N: String(Number($("losses").value || 0)) },
            TopScoreDateTime: { S: new Date().toISOString().replace(/\.\d+Z$/, "Z") },
          },
        }),
      );
      await refresh();
      status(`Saved ${$("game").value}.`);
      setState("saved");
    } catch (error) {
      status(`${error.name}: ${error.message}`, true);
      setState("error");
    }
  });

  $("read-other").addEventListener("click", async () => {
    const result = $("other-result");
    result.hidden = false;
    result.className = "result";
    result.textContent = "Reading…";
    try {
      const { Items } = await dynamodb.send(scoresQuery(config, $("other-player").value));
      result.className = "result allowed";
      result.textContent = `Read ${Items.length} item(s): the policy should not allow this!`;
      setState("other-allowed");
    } catch (error) {
      result.className = "result denied";
      result.textContent = `Refused: ${error.name}: ${error.message}`;
      setState("other-denied");
    }
  });

  status("Ready: your scores are read with your own temporary credentials.");
  setState("ready");
}

async function start() {
  const config = await (await fetch("config.json")).json();
  $("signout").addEventListener("click", () => {
    store.clear();
    window.location.replace(window.location.pathname);
  });
  $("signin").addEventListener("click", async () => {
    const mode = document.querySelector("input[name=mode]:checked").value;
    store.setItem("mode", mode);
    window.location.assign(await authorizeUrl(config, store));
  });
  const callback = readCallback(window.location, store);
  if (callback.error) {
    status(callback.error, true);
  }
  if (callback.code) {
    window.history.replaceState(null, "", window.location.pathname);
    setState("exchanging");
    const tokens = await exchangeCode(config, callback.code, store);
    store.setItem("id_token", tokens.id_token);
  }
  const idToken = store.getItem("id_token");
  if (!idToken || tokenClaims(idToken).exp * 1000 < Date.now()) {
    show(false);
    setState("signed-out");
    return;
  }
  await signedIn(config, idToken, store.getItem("mode") ?? "enhanced");
}

start().catch((error) => {
  status(`${error.name ?? "Error"}: ${error.message}`, true);
  setState("error");
});
