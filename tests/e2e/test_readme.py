"""The README, top to bottom, as a newcomer runs it: every `sh` and `python` block in order
against a fresh `dynafed serve`, with the variables its banner prints exported and the
virtualenv's tools on the PATH. A block is skipped only when the README marks it
`<!-- excerpt: why -->` (commands that start the server, which the test does itself)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.server_process import running_server

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"
RUNNABLE = ("sh", "python")
_FENCE = re.compile(r"^```(\w*)\s*$")
_EXCERPT = re.compile(r"^<!-- excerpt: .+ -->\s*$")


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    line: int
    excerpt: bool


def readme_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        start = index
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        excerpt = start > 0 and _EXCERPT.match(lines[start - 1]) is not None
        code = "\n".join(lines[start + 1 : end]) + "\n"
        blocks.append(Block(fence.group(1), code, start + 1, excerpt))
        index = end + 1
    return blocks


def _exports(banner: str) -> dict[str, str]:
    block = banner.split("export ", 1)[1].split(" dynamodb list-tables", 1)[0]
    block = block.rsplit("\n", 1)[0].replace("\\\n", " ")
    return dict(part.split("=", 1) for part in shlex.split(block))


def _run(block: Block, env: dict[str, str], cwd: Path) -> str:
    command = (
        ["bash", "-e", "-c", block.code]
        if block.language == "sh"
        else [
            sys.executable,
            "-c",
            block.code,
        ]
    )
    result = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, (
        f"README block at line {block.line} failed:\n{block.code}\n{result.stdout}{result.stderr}"
    )
    return result.stdout


def test_every_runnable_block_is_run_or_marked_an_excerpt() -> None:
    blocks = readme_blocks(README.read_text())
    unmarked = [b for b in blocks if b.language in RUNNABLE and not b.excerpt]
    assert len(unmarked) >= 4  # create-table, boto3, an ID token from a shell, the whole flow
    assert all(b.language in (*RUNNABLE, "text") for b in blocks), [b.language for b in blocks]


def test_the_readme_runs_as_written(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DYNAFED_"))}
    fresh = tmp_path / ".dynafed"
    with running_server(
        fresh, env={"DYNAFED_ADMIN_ACCESS_KEY_ID": "", "DYNAFED_ADMIN_SECRET_ACCESS_KEY": ""}
    ) as server:
        env.update(_exports("".join(server.output)))
        env.update(
            {
                "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}",
                "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_PAGER": "",
            }
        )
        outputs = _run_all(env, tmp_path)
    assert "'TopScore': {'N': '5842'}" in outputs[1]  # the first GetItem, as printed
    for whole_flow in outputs[-2:]:  # the first run, and the second that reuses it
        assert "AccessDeniedException" in whole_flow
        assert "is not authorized to perform: dynamodb:GetItem" in whole_flow


def _run_all(env: dict[str, str], cwd: Path) -> list[str]:
    """Every runnable block in order; an `export` line a block prints is pasted into the
    shell of the next, as the README says to; the last block (the whole flow) runs twice."""
    blocks = [
        b for b in readme_blocks(README.read_text()) if b.language in RUNNABLE and not b.excerpt
    ]
    outputs: list[str] = []
    for block in [*blocks, blocks[-1]]:
        output = _run(block, env, cwd)
        outputs.append(output)
        for line in output.splitlines():
            if line.startswith("export "):
                env.update(part.split("=", 1) for part in shlex.split(line)[1:])
    return outputs
