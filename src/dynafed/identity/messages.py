"""AWS's wording for web-identity token failures, in one place.

Messages marked *observed* were returned by real STS (quoted in public issue threads, see
sts-identity.md §1.5 and its sources); AWS publishes no catalogue, so for the other cases we
reuse the service model's documented description of the error, which is what the SDK shows.
"""

from __future__ import annotations

# observed (aws/aws-sdk-* issues, IRSA reports)
NOT_A_JWT = (
    "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
)
# observed; AWS appends the issuer exactly as found in the token
NO_PROVIDER = "No OpenIDConnect provider found in your account for {issuer}"
# observed
MISSING_CLAIM = "Missing a required claim: {claim}"
# observed
INCORRECT_AUDIENCE = "Incorrect token audience"
# observed (aws/aws-sdk-js-v3#3052, repost.aws); two spaces after the comma, as AWS sends it
NO_VERIFICATION_KEY = (
    "Couldn't retrieve verification key from your identity provider,  "
    "please reference AssumeRoleWithWebIdentity documentation for requirements"
)
# observed (awslabs/aws-orbit-workbench#707); AWS omits the space before the second number
TOKEN_EXPIRED = (
    "Token expired: current date/time {now} must be before the expiration date/time{exp}"
)
# observed (mozilla-iam/mozilla-aws-cli#146): the number is the token's age in seconds
TOKEN_TOO_OLD = "Token too old: {age}"

# botocore's sts model: InvalidIdentityTokenException documentation
NOT_VALIDATED = (
    "The web identity token that was passed could not be validated by AWS. "
    "Get a new identity token from the identity provider and then retry the request."
)
# botocore's sts model: IDPCommunicationErrorException documentation
IDP_UNREACHABLE = (
    "The request could not be fulfilled because the identity provider (IDP) that was asked "
    "to verify the incoming identity token could not be reached. This is often a transient "
    "error caused by network conditions. Retry the request a limited number of times so that "
    "you don't exceed the request rate. If the error persists, the identity provider might be "
    "down or not responding."
)

# Ours: AWS documents the limits but not its wording for these two (sts-identity.md §1.2).
BAD_SESSION_TAGS = "The session tags in the web identity token are invalid: {reason}"
BAD_SOURCE_IDENTITY = (
    "The source identity in the web identity token must be 2 to 64 characters matching [\\w+=,.@-]*"
)
