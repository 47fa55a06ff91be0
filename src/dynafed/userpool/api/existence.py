"""`PreventUserExistenceErrors`: what a call naming a user the pool does not have gets.

ENABLED: nothing that tells (sign-in: "Incorrect username or password.", through the same
throttle and lockout; codes: a mismatch; sends: a simulated delivery). LEGACY:
UserNotFoundException, as Cognito's (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
"""

from __future__ import annotations

from dynafed.userpool.api.errors import UserNotFoundException
from dynafed.userpool.model import AppClient

LEGACY = "LEGACY"
ENABLED = "ENABLED"
SIGN_IN_NOT_FOUND = "User does not exist."
NOT_FOUND_FOR_CLIENT = "Username/client id combination not found."


def reveals(client: AppClient) -> bool:
    return client.prevent_user_existence_errors == LEGACY


def not_found_for_client() -> UserNotFoundException:
    return UserNotFoundException(NOT_FOUND_FOR_CLIENT)


def not_found_at_sign_in() -> UserNotFoundException:
    return UserNotFoundException(SIGN_IN_NOT_FOUND)
