// Sign-in with the built-in user pool: OAuth 2.0 authorization code flow with PKCE (S256),
// as a public client (no secret in the page).

function base64url(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function redirectUri() {
  return window.location.origin + window.location.pathname;
}

export async function authorizeUrl(config, store) {
  const verifier = randomText(48);
  const state = randomText(16);
  store.setItem("pkce_verifier", verifier);
  store.setItem("oauth_state", state);
  const params = new URLSearchParams({
    client_id: config.userPool.clientId,
    redirect_uri: redirectUri(),
    response_type: "code",
    scope: "openid",
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  });
  return `${config.userPool.authorizeUrl}?${params}`;
}

export function readCallback(location, store) {
  const params = new URLSearchParams(location.search);
  if (params.has("error")) {
    return { error: `Sign-in failed: ${params.get("error")}: ${params.get("error_description") ?? ""}` };
  }
  const code = params.get("code");
  if (!code) return {};
  if (params.get("state") !== store.getItem("oauth_state")) {
    return { error: "Sign-in answer does not match the request (state); try again." };
  }
  return { code };
}

export async function exchangeCode(config, code, store) {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    client_id: config.userPool.clientId,
    code,
    redirect_uri: redirectUri(),
    code_verifier: store.getItem("pkce_verifier") ?? "",
  });
  store.removeItem("pkce_verifier");
  store.removeItem("oauth_state");
  const answer = await fetch(config.userPool.tokenUrl, { method: "POST", body });
  const tokens = await answer.json();
  if (!answer.ok) {
    throw new Error(`token endpoint: ${tokens.error}: ${tokens.error_description}`);
  }
  return tokens;
}

export function tokenClaims(token) {
  const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload.padEnd(payload.length + ((4 - (payload.length % 4)) % 4), "=")));
}
