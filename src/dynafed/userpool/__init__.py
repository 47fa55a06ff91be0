"""The built-in OpenID provider ("user pools"): users, app clients, the authorization-code
flow with PKCE, refresh tokens, and ID/access tokens signed with rotating keys.

Each pool is an OpenID Connect issuer at `<public-url>/idp/<pool-id>`; STS and identity
pools accept its ID tokens like any other provider's.
"""
