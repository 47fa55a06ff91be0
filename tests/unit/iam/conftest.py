"""The `iam` fixture: an in-process IAM spoken to as boto3 speaks to it (see iam_harness)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from iam_harness import InProcessIam


@pytest.fixture
def iam() -> Iterator[InProcessIam]:
    service = InProcessIam()
    yield service
    service.storage.close()
