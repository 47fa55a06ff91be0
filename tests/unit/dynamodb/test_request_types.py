"""The request types are generated from the model the validator uses, and kept current."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import get_type_hints

from dynafed.core.validation.models import service_model
from dynafed.dynamodb import requests
from dynafed.dynamodb.service import OPERATIONS

ROOT = Path(__file__).resolve().parents[3]


def _generator() -> object:
    spec = importlib.util.spec_from_file_location(
        "generate_request_types", ROOT / "scripts" / "generate_request_types.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_file_matches_the_model() -> None:
    generator = _generator()
    served = generator.served_operations()  # type: ignore[attr-defined]
    assert served == sorted(OPERATIONS)
    expected = generator.generate(served)  # type: ignore[attr-defined]
    written = (ROOT / "src" / "dynafed" / "dynamodb" / "requests.py").read_text()
    assert written == expected, "run scripts/generate_request_types.py"


def test_every_served_operation_has_its_input_type() -> None:
    operations = service_model("dynamodb")["operations"]
    for operation in OPERATIONS:
        shape_name = operations[operation]["input"]["shape"]  # GetItemInput, ...Request
        assert hasattr(requests, shape_name), operation


def test_required_members_are_required() -> None:
    get_item = requests.GetItemInput
    assert get_item.__required_keys__ == frozenset({"TableName", "Key"})
    hints = get_type_hints(get_item)
    assert hints["ConsistentRead"] is bool
    assert "ProjectionExpression" in get_item.__optional_keys__
