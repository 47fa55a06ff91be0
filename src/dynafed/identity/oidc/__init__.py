"""OpenID Connect ID tokens: the verifier (`verifier`) for IAM OIDC providers, their keys
(`jwks`, `signing_keys`), the claim checks every ID token passes (`claims`), Google as a
built-in provider (`google`), and how a provider URL names things (`urls`)."""
