"""Identity providers: who a token or assertion vouches for.

`registry` is the one entry: `IdentityProviders` chooses the verifier for a web identity
token and looks up SAML providers, for STS and identity-pool logins alike. Below it, one
subpackage per protocol, each a verifier returning the shared types of `verified`:

- `oidc/`: OpenID Connect ID tokens (IAM OIDC providers, Google), JWKS, claim checks,
  provider URL rules;
- `oauth/`: OAuth 2.0 access tokens checked at a token-info endpoint (Login with Amazon,
  Facebook);
- `saml/`: SAML 2.0 responses and IdP metadata;
- `builtin/`: the issuers this server runs itself (identity-pool OpenID tokens).

`fetch` is the one HTTP client they share; `messages` is AWS's wording for web identity
token failures. A new provider is a verifier in its protocol's subpackage, registered in
`registry`.
"""
