"""The long-term admin key pair: from the environment, else generated once per data dir."""

from __future__ import annotations

import json
import os
import secrets
import string
from pathlib import Path

from dynafed.auth.authenticator import AdminCredentials

ACCESS_KEY_ENV = "DYNAFED_ADMIN_ACCESS_KEY_ID"
SECRET_KEY_ENV = "DYNAFED_ADMIN_SECRET_ACCESS_KEY"
CREDENTIALS_FILE = "admin-credentials.json"
ENVIRONMENT = "environment"
"""The source of credentials given in the environment."""

_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def generate() -> AdminCredentials:
    return AdminCredentials(
        access_key_id="AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
        secret_access_key="".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40)),
    )


def load_or_create(data_dir: Path) -> tuple[AdminCredentials, str]:
    """The admin credentials and where they came from ("environment" or the file path)."""
    access_key = os.environ.get(ACCESS_KEY_ENV, "")
    secret_key = os.environ.get(SECRET_KEY_ENV, "")
    if access_key and secret_key:
        return AdminCredentials(access_key, secret_key), ENVIRONMENT
    path = data_dir / CREDENTIALS_FILE
    if path.exists():
        stored = json.loads(path.read_text())
        return AdminCredentials(stored["access_key_id"], stored["secret_access_key"]), str(path)
    credentials = generate()
    data_dir.mkdir(parents=True, exist_ok=True)
    # Create with 0600 from the start so the secret is never readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(
                {
                    "access_key_id": credentials.access_key_id,
                    "secret_access_key": credentials.secret_access_key,
                },
                handle,
            )
    except OSError as error:
        path.unlink()  # a half-written file would be read as the keys at the next start
        raise OSError(error.errno, error.strerror, str(path)) from error
    return credentials, str(path)
