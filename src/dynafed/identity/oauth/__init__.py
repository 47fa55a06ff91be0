"""OAuth 2.0 access tokens (AssumeRoleWithWebIdentity with a `ProviderId`): each provider
checks the token at its token-information endpoint (`tokeninfo`): Login with Amazon
(`amazon`) and Facebook (`facebook`)."""
