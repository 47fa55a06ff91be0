"""The GameScores web app's files at `/app/…`, plus the demo's `/app/config.json`. The app
is built by `npm run build` in web/ into this package's `web/` folder, committed and
carried by the wheel, so an installed dynafed serves it without npm. Only files inside the
bundle directory are ever served; a path that names no file there (a NUL in it, `..` out of
it) is a 404, never an error."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

APP_PATH = "/app/"
WEB_DIR_ENV = "DYNAFED_WEB_DIR"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".json": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
Response = tuple[int, bytes, list[tuple[str, str]]]


def default_web_dir() -> Path:
    """`$DYNAFED_WEB_DIR`, else the built app inside this package (`dynafed/web/`)."""
    configured = os.environ.get(WEB_DIR_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1] / "web"


class StaticApp:
    def __init__(self, root: Path, config: Callable[[], dict[str, Any] | None]) -> None:
        self._root = root.resolve()
        self._config = config

    def handle(self, path: str) -> Response:
        relative = path[len(APP_PATH) :] or "index.html"
        if relative == "config.json":
            config = self._config()
            if config is None:
                return _text(404, "no demo is seeded: start the server with --demo")
            return 200, orjson.dumps(config), [("content-type", "application/json"), *_no_cache()]
        try:
            target = (self._root / relative).resolve()
            found = target.is_relative_to(self._root) and target.is_file()
        except (ValueError, OSError):  # a NUL, a name too long: no such file, not a crash
            found = False
        if not found:
            if not self._root.is_dir():
                return _text(
                    404,
                    f"web app missing: run `npm ci && npm run build` in web/ of the source "
                    f"checkout, or unset ${WEB_DIR_ENV} (looked in {self._root})",
                )
            return _text(404, "not found")
        content_type = _TYPES.get(target.suffix, "application/octet-stream")
        headers = [("content-type", content_type), ("x-content-type-options", "nosniff")]
        return 200, target.read_bytes(), [*headers, *_no_cache()]


def _no_cache() -> list[tuple[str, str]]:
    return [("cache-control", "no-cache")]


def _text(status: int, message: str) -> Response:
    return status, message.encode(), [("content-type", "text/plain; charset=utf-8")]
