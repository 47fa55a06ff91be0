"""Expression-engine AST back to expression text, with every name and value a placeholder.

The existing operations take their expressions as text with ExpressionAttributeNames and
ExpressionAttributeValues; rendering a statement's nodes that way lets them run through the
same validation, resolution, evaluation and FGAC key computation as any other request.
Every path element becomes `#nK` (so reserved words need no care) and every literal `:vK`.
"""

from __future__ import annotations

from typing import Any

from dynafed.dynamodb.expr import ast


class Placeholders:
    """The names and values one request's expressions use, as they are rendered."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, ast.AttributeValue] = {}
        self._by_name: dict[str, str] = {}

    def name(self, name: str) -> str:
        placeholder = self._by_name.get(name)
        if placeholder is None:
            placeholder = f"#n{len(self._by_name)}"
            self._by_name[name] = placeholder
            self.names[placeholder] = name
        return placeholder

    def value(self, value: ast.AttributeValue) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def into(self, request: dict[str, Any]) -> dict[str, Any]:
        """`request` with the maps added, when the expressions used any."""
        if self.names:
            request["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            request["ExpressionAttributeValues"] = dict(self.values)
        return request

    # --- rendering --------------------------------------------------------------------------

    def path(self, path: ast.Path) -> str:
        text = ""
        for element in path.elements:
            if isinstance(element, int):
                text += f"[{element}]"
            else:
                name = element if isinstance(element, str) else element.placeholder
                text += ("." if text else "") + self.name(name)
        return text

    def operand(self, node: ast.Operand) -> str:
        if isinstance(node, ast.Path):
            return self.path(node)
        if isinstance(node, ast.Literal):
            return self.value(node.value)
        if isinstance(node, ast.FunctionCall):
            return f"{node.name}({', '.join(self.operand(arg) for arg in node.args)})"
        if isinstance(node, ast.Arithmetic):
            return f"{self.operand(node.left)} {node.op} {self.operand(node.right)}"
        raise TypeError(f"not a statement operand: {node!r}")  # ValueRef: never parsed

    def condition(self, node: ast.Condition) -> str:
        if isinstance(node, ast.Comparison):
            return f"{self.operand(node.left)} {node.op} {self.operand(node.right)}"
        if isinstance(node, ast.Between):
            low, high = self.operand(node.low), self.operand(node.high)
            return f"{self.operand(node.subject)} BETWEEN {low} AND {high}"
        if isinstance(node, ast.In):
            options = ", ".join(self.operand(option) for option in node.options)
            return f"{self.operand(node.subject)} IN ({options})"
        if isinstance(node, ast.Not):
            return f"NOT ({self.condition(node.operand)})"
        if isinstance(node, ast.And):
            return f"({self.condition(node.left)}) AND ({self.condition(node.right)})"
        if isinstance(node, ast.Or):
            return f"({self.condition(node.left)}) OR ({self.condition(node.right)})"
        return self.operand(node)

    def update(self, actions: tuple[ast.UpdateAction, ...]) -> str:
        sets = [
            f"{self.path(action.path)} = {self.operand(action.value)}"
            for action in actions
            if action.kind == "SET" and action.value is not None
        ]
        removes = [self.path(action.path) for action in actions if action.kind == "REMOVE"]
        sections = []
        if sets:
            sections.append("SET " + ", ".join(sets))
        if removes:
            sections.append("REMOVE " + ", ".join(removes))
        return " ".join(sections)
