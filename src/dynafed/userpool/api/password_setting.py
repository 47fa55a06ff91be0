"""Setting a password through the API: the pool's policy first (Cognito's wording), then the
slow hash and the SRP verifier (`userpool/credentials.py`), which callers compute outside
any storage transaction."""

from __future__ import annotations

from dynafed.userpool.api.context import ApiContext
from dynafed.userpool.api.errors import InvalidPasswordException
from dynafed.userpool.credentials import credentials
from dynafed.userpool.model import Credentials, UserPool
from dynafed.userpool.passwords import WeakPassword

ADMIN_WORDING = "Password does not conform to policy"
"""AdminCreateUser, AdminSetUserPassword."""
USER_WORDING = "Password did not conform with policy"
"""SignUp, ChangePassword, ConfirmForgotPassword, the NEW_PASSWORD_REQUIRED answer."""


def check_policy(pool: UserPool, password: str, wording: str) -> None:
    problem = pool.password_policy.violation(password)
    if problem is not None:
        raise InvalidPasswordException(f"{wording}: {problem}")


def new_credentials(
    ctx: ApiContext, pool: UserPool, username: str, password: str, wording: str = ADMIN_WORDING
) -> Credentials:
    """`username`: the user's stored name, which the SRP verifier is bound to."""
    check_policy(pool, password, wording)
    minimum = pool.password_policy.minimum_length
    try:
        return credentials(ctx.passwords, pool.pool_id, username, password, minimum)
    except WeakPassword as weak:
        raise InvalidPasswordException(f"{wording}: {weak}") from None
