"""Projecting an item onto document paths (ProjectionExpression, AttributesToGet, and the
UPDATED_OLD / UPDATED_NEW return values).

DynamoDB keeps the structure along each path and drops everything else: a map keeps only
the projected keys, a list keeps only the projected elements, in their original order and
compacted (`a[2], a[0]` gives `[a0, a2]`). A path that does not resolve contributes
nothing, not even an empty map.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dynafed.dynamodb.expr import ast

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]
_Tree = dict[Any, Any]  # element -> subtree, or None for "the whole value"


def project(item: Mapping[str, AttributeValue], paths: Iterable[ast.Path]) -> Item:
    """The parts of `item` that resolved `paths` select."""
    return project_tree(item, path_tree(paths))


def path_tree(paths: Iterable[ast.Path]) -> _Tree:
    """`paths` merged into one tree, for `project_tree`; a tree is never modified, so one
    built for a compiled expression serves all its requests."""
    return _tree(paths)


def project_tree(item: Mapping[str, AttributeValue], tree: _Tree) -> Item:
    """The parts of `item` that the paths of `tree` (`path_tree`) select."""
    result: Item = {}
    for name, subtree in tree.items():
        value = item.get(name) if isinstance(name, str) else None
        if value is not None:
            kept = _select(value, subtree)
            if kept is not None:
                result[name] = kept
    return result


def _tree(paths: Iterable[ast.Path]) -> _Tree:
    root: _Tree = {}
    for path in paths:
        node = root
        *parents, last = path.elements
        for element in parents:
            child = node.setdefault(element, {})
            if child is None:  # a shorter path already takes the whole value
                break
            node = child
        else:
            node[last] = None
    return root


def _select(value: AttributeValue, subtree: _Tree | None) -> AttributeValue | None:
    if subtree is None:
        return value
    if "M" in value:
        members = value["M"]
        kept = {
            key: picked
            for key, child in subtree.items()
            if isinstance(key, str)
            and key in members
            and (picked := _select(members[key], child)) is not None
        }
        return {"M": kept} if kept else None
    if "L" in value:
        elements = value["L"]
        indexes = sorted(key for key in subtree if isinstance(key, int) and key < len(elements))
        chosen = [_select(elements[i], subtree[i]) for i in indexes]
        kept_list = [element for element in chosen if element is not None]
        return {"L": kept_list} if kept_list else None
    return None
