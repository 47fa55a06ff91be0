"""A pool's password policy (`Policies.PasswordPolicy` of CreateUserPool), worded as Cognito
words a refusal. Pure.

Cognito's symbols are the ASCII ones below and the space
(https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html).
"""

from __future__ import annotations

from dataclasses import dataclass

SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
DEFAULT_MINIMUM_LENGTH = 8


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    minimum_length: int = DEFAULT_MINIMUM_LENGTH
    require_uppercase: bool = False
    require_lowercase: bool = False
    require_numbers: bool = False
    require_symbols: bool = False

    def violation(self, password: str) -> str | None:
        """Why `password` breaks the policy (Cognito's words), or None."""
        if len(password) < self.minimum_length:
            return "Password not long enough"
        if self.require_lowercase and not any(c.islower() for c in password):
            return "Password must have lowercase characters"
        if self.require_uppercase and not any(c.isupper() for c in password):
            return "Password must have uppercase characters"
        if self.require_numbers and not any(c.isdigit() for c in password):
            return "Password must have numeric characters"
        if self.require_symbols and not any(c in SYMBOLS for c in password):
            return "Password must have symbol characters"
        return None
