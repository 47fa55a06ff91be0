"""Document paths on items: reading a path, and DynamoDB's overlap/conflict rule.

Paths of one update or projection expression may not overlap (one a prefix of another,
or equal) nor conflict (one indexes a list where another names a map key). DynamoDB builds
a tree of the paths, checking each as it is added, and names the path being added first
("path one") and the path already in the tree second ("path two").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr.errors import PATH_CONFLICT, PATH_OVERLAP, ExpressionError

AttributeValue = dict[str, Any]
ResolvedPath = tuple[str | int, ...]


def read_path(
    item: Mapping[str, AttributeValue], elements: Sequence[ast.Element]
) -> AttributeValue | None:
    """The value at a resolved path, or None when any step is missing or of the wrong type."""
    head = elements[0]
    value = item.get(head) if isinstance(head, str) else None
    for element in elements[1:]:
        if value is None:
            return None
        if isinstance(element, int):
            members = value.get("L")
            value = members[element] if members is not None and element < len(members) else None
        else:
            mapping = value.get("M")
            value = mapping.get(element) if mapping is not None else None
    return value


class _Node:
    __slots__ = ("children",)

    def __init__(self) -> None:
        self.children: dict[str | int, _Node | None] = {}


class PathTree:
    """Accepts resolved paths one by one, raising DynamoDB's overlap/conflict errors."""

    def __init__(self) -> None:
        self.root = _Node()

    def add(self, path: ast.Path) -> None:
        elements = path.elements
        node = self.root
        for depth, element in enumerate(elements):
            assert not isinstance(element, ast.NameRef)
            if element not in node.children:
                if node.children and _is_index(next(iter(node.children))) != _is_index(element):
                    raise self._error(PATH_CONFLICT, path, depth, node, None)
                node.children[element] = _chain(elements[depth + 1 :])
                return
            child = node.children[element]
            if child is None or depth + 1 == len(elements):
                raise self._error(PATH_OVERLAP, path, depth, node, element)
            node = child

    @staticmethod
    def _error(
        sentence: str, path: ast.Path, depth: int, node: _Node, branch: str | int | None
    ) -> ExpressionError:
        """`path two` is the path already in the tree below `node`, following `branch`
        (or the first branch) and then first children down to a leaf."""
        existing: list[ast.Element] = list(path.elements[:depth])
        key = branch if branch is not None else next(iter(node.children))
        current = node
        while True:
            existing.append(key)
            child = current.children[key]
            if child is None or not child.children:
                break
            current, key = child, next(iter(child.children))
        return ExpressionError(sentence, path_one=path, path_two=ast.Path(tuple(existing)))


def _is_index(element: object) -> bool:
    return isinstance(element, int)


def _chain(rest: Sequence[ast.Element]) -> _Node | None:
    if not rest:
        return None
    node = _Node()
    head = rest[0]
    assert not isinstance(head, ast.NameRef)
    node.children[head] = _chain(rest[1:])
    return node
