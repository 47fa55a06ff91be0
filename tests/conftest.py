"""Suite-wide settings.

Property tests run derandomized by default so that CI is reproducible: a red build always
means the code changed, not that a new random seed was drawn. Set
``HYPOTHESIS_PROFILE=explore`` to search with fresh random examples (and more of them)
when hunting for bugs locally.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=2_000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Keep the developer's own AWS configuration out of every client the tests create.
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
    os.environ.pop(name, None)


_FAST_FOLDERS = ("unit", "conformance")
"""Pure tests (no server process, no database server): marked `unit`, run by `make
test-fast` in seconds."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = item.path.relative_to(item.config.rootpath).parts
        if len(parts) > 1 and parts[0] == "tests" and parts[1] in _FAST_FOLDERS:
            item.add_marker(pytest.mark.unit)
