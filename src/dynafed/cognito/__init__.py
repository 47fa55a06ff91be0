"""Identity pools: the Cognito Identity API (JSON 1.1, `AWSCognitoIdentityService.*`).

Pools map sign-ins from the built-in user pools and IAM OIDC providers to identity ids,
mint Cognito-shaped OpenID tokens, and trade them for role credentials (the enhanced flow)
or let the client do so through STS (the basic flow).
"""
