"""`dynamodb/operations/` holds one module per registered operation and nothing else; an
operation never imports another; each declares beside its `run` whether it may run inline."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from dynafed.dynamodb import operations
from dynafed.dynamodb.service import DEFERRABLE, OPERATIONS

FOLDER = Path(operations.__file__).parent
MODULES = sorted(path.stem for path in FOLDER.glob("*.py") if path.stem != "__init__")


def _module_name(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def test_one_module_per_registered_operation_and_nothing_else() -> None:
    assert sorted(_module_name(operation) for operation in OPERATIONS) == MODULES


@pytest.mark.parametrize("name", MODULES)
def test_an_operation_imports_no_other_operation(name: str) -> None:
    tree = ast.parse((FOLDER / f"{name}.py").read_text())
    imported = {
        node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    assert not {m for m in imported if m.startswith("dynafed.dynamodb.operations")}


@pytest.mark.parametrize("name", MODULES)
def test_each_operation_declares_whether_it_runs_inline(name: str) -> None:
    declared = importlib.import_module(f"dynafed.dynamodb.operations.{name}").RUNS_INLINE
    assert isinstance(declared, bool) or callable(declared)


def test_only_writes_are_deferrable() -> None:
    """`prepare` in an operation's module means "a write that can stop before its write
    transaction" (`service.DEFERRABLE`): a read must never declare one, or the edge would
    take it for a write."""
    reads = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
    assert reads.isdisjoint(DEFERRABLE)
    assert "PutItem" in DEFERRABLE
