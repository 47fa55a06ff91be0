"""What `dynafed serve` prints is enough to use it: the exported variables work as printed."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.support.server_process import running_server


def _exports(banner: str) -> dict[str, str]:
    block = banner.split("export ", 1)[1].split("\n  aws ", 1)[0].replace("\\\n", " ")
    return dict(part.split("=", 1) for part in shlex.split(block))


def test_printed_exports_drive_the_aws_cli_and_boto3(tmp_path: Path) -> None:
    # No admin keys in the environment: the server generates them and prints them.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DYNAFED_"))}
    with running_server(
        tmp_path, env={"DYNAFED_ADMIN_ACCESS_KEY_ID": "", "DYNAFED_ADMIN_SECRET_ACCESS_KEY": ""}
    ) as server:
        banner = "".join(server.output)
        exports = _exports(banner)
        assert re.fullmatch(r"AKIA[A-Z2-7]{16}", exports["AWS_ACCESS_KEY_ID"])
        assert (tmp_path / "admin-credentials.json").stat().st_mode & 0o777 == 0o600
        shell_env = {
            **env,
            **exports,
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
        cli = subprocess.run(
            ["aws", "dynamodb", "list-tables"],
            env=shell_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert cli.returncode == 0, cli.stderr
        example = banner.split('python -c "', 1)[1].split('"\n', 1)[0]
        boto = subprocess.run(
            [sys.executable, "-c", example],
            env=shell_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert boto.returncode == 0, boto.stderr
        assert "'TableNames': []" in boto.stdout
