"""Setting a password through the API: the pool's policy first (Cognito's wording), then the
slow Argon2 hash, which callers compute outside any storage transaction."""

from __future__ import annotations

from dynafed.userpool.api.context import ApiContext
from dynafed.userpool.api.errors import InvalidPasswordException
from dynafed.userpool.model import UserPool
from dynafed.userpool.passwords import WeakPassword

ADMIN_WORDING = "Password does not conform to policy"
"""AdminCreateUser, AdminSetUserPassword."""
USER_WORDING = "Password did not conform with policy"
"""SignUp, ChangePassword, ConfirmForgotPassword, the NEW_PASSWORD_REQUIRED answer."""


def hash_password(
    ctx: ApiContext, pool: UserPool, password: str, wording: str = ADMIN_WORDING
) -> str:
    problem = pool.password_policy.violation(password)
    if problem is not None:
        raise InvalidPasswordException(f"{wording}: {problem}")
    try:
        return ctx.passwords.hash(password, pool.password_policy.minimum_length)
    except WeakPassword as weak:
        raise InvalidPasswordException(f"{wording}: {weak}") from None
