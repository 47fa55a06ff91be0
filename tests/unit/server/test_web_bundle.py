"""The demo's web page is committed built (src/dynafed/web/, written by `npm run build` in
web/) so that the wheel carries it: it must be the build of the sources beside it. The
build records a digest of what it was built from (web/build.mjs); a source changed without
a rebuild fails here."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dynafed.server.static_endpoint import default_web_dir

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "web"
SOURCES = ("build.mjs", "package-lock.json", "src", "static")


def sources_digest() -> str:
    """The digest web/build.mjs writes: each file's path (relative to web/) and bytes."""
    files = sorted(
        str(path.relative_to(WEB))
        for name in SOURCES
        for path in ([WEB / name] if (WEB / name).is_file() else (WEB / name).rglob("*"))
        if path.is_file()
    )
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{file}\n".encode() + (WEB / file).read_bytes() + b"\n")
    return digest.hexdigest()


def test_the_package_holds_the_built_page() -> None:
    built = ROOT / "src" / "dynafed" / "web"
    assert {"index.html", "app.js", "style.css"} <= {p.name for p in built.iterdir()}
    assert default_web_dir().resolve() == built.resolve()


def test_the_built_page_is_the_build_of_the_sources() -> None:
    recorded = (ROOT / "src" / "dynafed" / "web" / "sources.sha256").read_text().strip()
    assert recorded == sources_digest(), (
        "web/ changed since src/dynafed/web was built: run `npm ci && npm run build` in web/ "
        "and commit src/dynafed/web"
    )
