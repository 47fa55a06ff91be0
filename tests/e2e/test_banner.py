"""What `dynafed serve` prints is enough to use it: the exported variables work as printed."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

from tests.support.server_process import running_server


def _exports(banner: str) -> dict[str, str]:
    block = banner.split("export ", 1)[1].split(" dynamodb list-tables", 1)[0]
    block = block.rsplit("\n", 1)[0].replace("\\\n", " ")
    return dict(part.split("=", 1) for part in shlex.split(block))


def _script(banner: str) -> str:
    """The copy-paste lines: `export …`, the AWS CLI line and the boto3 line."""
    lines = banner.split("\n  export ", 1)[1].split("\n\n", 1)[0]
    return "export " + lines


def test_printed_lines_run_as_printed(tmp_path: Path) -> None:
    # No admin keys in the environment: the server generates them and prints them. The
    # shell that runs the printed lines has no virtualenv on its PATH (as after `make run`):
    # the lines name the `aws` and `python` that come with dynafed.
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
            "PATH": "/usr/bin:/bin",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
        script = _script(banner)
        assert script.count("\n") == 4, script  # export (3 lines), aws, python
        ran = subprocess.run(
            ["sh", "-ec", script], env=shell_env, capture_output=True, text=True, timeout=60
        )
        assert ran.returncode == 0, ran.stderr
        assert '"TableNames": []' in ran.stdout  # the AWS CLI's JSON
        assert "'TableNames': []" in ran.stdout  # boto3's dict
