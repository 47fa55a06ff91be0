"""AWS's wording for AssumeRoleWithSAML failures, in one place.

Messages marked *observed* were returned by real STS (quoted in public issue threads); AWS
publishes no catalogue, so the others are ours, worded in the same style.
"""

from __future__ import annotations

# observed (cevoaustralia/aws-google-auth#270): InvalidIdentityToken
SIGNATURE_INVALID = "Response signature invalid"
# sts-identity.md §5.1 step 2: PrincipalArn names no SAML provider of the role's account
PROVIDER_NOT_FOUND = "Specified provider doesn't exist"
# observed (dbeaver/cloudbeaver#3112): InvalidIdentityToken
ISSUER_NOT_IN_PROVIDER = "Issuer not present in specified provider"
# observed (Versent/saml2aws#759): ExpiredTokenException, Conditions NotOnOrAfter passed
RESPONSE_EXPIRED = "Response has expired"
# observed (Nike-Inc/gimme-aws-creds#251): ExpiredTokenException, IssueInstant too old
REDEEM_WINDOW = "Token must be redeemed within 5 minutes of issuance"
# sts-identity.md §1.5: InvalidIdentityToken
NO_SESSION_NAME = "RoleSessionName is required in AuthnResponse"
# observed (MicrosoftDocs/azure-docs#45025): InvalidIdentityToken
BAD_SESSION_NAME = "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
# sts-identity.md §5.1: InvalidIdentityToken
MISSING_AUDIENCE = "Response does not contain the required audience."
# AccessDenied, the trust-policy wording AWS uses for every refusal to assume
NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithSAML"

# Ours.
MALFORMED = "The SAML response is not a base64-encoded SAML 2.0 Response document"
NOT_SUCCESS = "The SAML response does not report success"
ONE_ASSERTION = "The SAML response must contain exactly one Assertion"
ENCRYPTED_ASSERTION = "Encrypted SAML assertions are not supported by this server"
NOT_YET_VALID = "Response is not yet valid"
WRONG_RECIPIENT = "The SAML response was not addressed to this service (Recipient or Destination)"
NO_BEARER_CONFIRMATION = "The SAML assertion has no bearer SubjectConfirmation"
BAD_ATTRIBUTE = "The {name} attribute in AuthnResponse must have exactly one value"
BAD_SESSION_DURATION = (
    "SessionDuration in AuthnResponse must be a whole number of seconds from 900 to 43200"
)
PROVIDER_EXPIRED = "The SAML provider's metadata is no longer valid (ValidUntil has passed)"
