#!/usr/bin/env python3
"""Writes src/dynafed/dynamodb/requests.py: a TypedDict per served DynamoDB operation's input.

The types come from the same botocore model the validator checks requests against
(`dynafed.dynamodb.validation.model`), so an operation's `request["Key"]` is typed by what the
model says `Key` is. Run it after upgrading the pinned botocore:

    .venv/bin/python scripts/generate_request_types.py

`tests/unit/dynamodb/test_request_types.py` fails while the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from dynafed.core.validation.models import service_model

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "dynafed" / "dynamodb"
TARGET = PACKAGE / "requests.py"

HEADER = '''"""What each DynamoDB operation's request holds, as types. Generated: do not edit.

Written by `scripts/generate_request_types.py` from botocore's `dynamodb` model (the model
the validator checks requests against), for the operations dynafed serves. A request that
passed `validation.validate_request` has exactly this shape: nulls and unknown members are
gone. Binary values stay base64 text, as on the wire. (No `from __future__ import
annotations`: TypedDict must see `Required` when the class is made.)
"""

from typing import Required, TypedDict

from dynafed.dynamodb.values import AttributeValue
'''

SCALARS = {"string": "str", "integer": "int", "long": "int", "boolean": "bool", "blob": "str"}
"""Timestamps and doubles appear only in operations not served."""


def generate(operations: list[str]) -> str:
    shapes: dict[str, Any] = service_model("dynamodb")["shapes"]
    model_operations = service_model("dynamodb")["operations"]
    emitted: dict[str, str] = {}
    in_progress: set[str] = set()

    def type_of(name: str) -> str:
        if name == "AttributeValue":
            return "AttributeValue"
        shape = shapes[name]
        kind = shape["type"]
        if kind == "structure":
            if name in in_progress:
                return f'"{name}"'  # a recursive shape: defined below its first use
            emit(name)
            return name
        if kind == "list":
            return f"list[{type_of(shape['member']['shape'])}]"
        if kind == "map":
            return f"dict[str, {type_of(shape['value']['shape'])}]"
        return SCALARS.get(kind, "object")

    def emit(name: str) -> None:
        """Members' structures first: the module defines each class before its use."""
        if name in emitted:
            return
        in_progress.add(name)
        shape = shapes[name]
        required = set(shape.get("required", ()))
        lines = [f"class {name}(TypedDict, total=False):"]
        for member, spec in shape["members"].items():
            member_type = type_of(spec["shape"])
            if member in required:
                member_type = f"Required[{member_type}]"
            lines.append(f"    {member}: {member_type}")
        if len(lines) == 1:
            lines.append("    pass")
        in_progress.discard(name)
        emitted[name] = "\n".join(lines)

    for operation in operations:
        emit(model_operations[operation]["input"]["shape"])
    return HEADER + "".join(f"\n\n{text}\n" for text in emitted.values())


def served_operations() -> list[str]:
    """The model's operations that have a module in `dynamodb/operations/` (read from the
    file names: importing the operations would import the file being written)."""
    modules = {path.stem for path in (PACKAGE / "operations").glob("*.py")}
    return sorted(
        name for name in service_model("dynamodb")["operations"] if _snake(name) in modules
    )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def main() -> int:
    TARGET.write_text(generate(served_operations()))
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
