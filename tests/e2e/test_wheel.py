"""The wheel carries the built demo page: `pip install` of dynafed, with no npm and no source
checkout, serves the GameScores app at `/app/` with `dynafed serve --demo`."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests

from tests.support.server_process import running_server

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PAGE = ("dynafed/web/index.html", "dynafed/web/app.js", "dynafed/web/style.css")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    [built] = out.glob("dynafed-*.whl")
    return built


def test_the_wheel_holds_the_web_app(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert set(PAGE) <= names, sorted(n for n in names if "web" in n)
        assert b"<script" in archive.read("dynafed/web/index.html")


def test_an_installed_wheel_serves_the_demo_page(wheel: Path, tmp_path: Path) -> None:
    # The wheel unpacked is what pip installs; it goes first on the path, ahead of the
    # checkout's editable install, and the server runs outside the checkout.
    installed = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
    env = {"PYTHONPATH": str(installed)}
    where = subprocess.run(
        [sys.executable, "-c", "import dynafed; print(dynafed.__file__)"],
        env={**os.environ, **env}, capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert where.stdout.startswith(str(installed)), where.stdout
    with running_server(tmp_path / "data", "--demo", env=env) as server:
        page = requests.get(f"{server.endpoint}/app/", timeout=30)
        assert page.status_code == 200, page.text
        assert page.content == (installed / "dynafed" / "web" / "index.html").read_bytes()
        script = requests.get(f"{server.endpoint}/app/app.js", timeout=30)
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
