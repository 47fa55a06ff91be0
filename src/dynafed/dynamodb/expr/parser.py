"""One recursive-descent parser for conditions (also filters and key conditions), update
expressions and projections, producing the shared AST.

Grammar (keywords case-insensitive, precedence per "Comparison operator and function
reference": comparisons > NOT > AND > OR):

    condition  := or EOF
    or         := and (OR and)*
    and        := not (AND not)*
    not        := NOT* primary
    primary    := "(" or ")" | operand comparator operand
                | operand BETWEEN operand AND operand | operand IN "(" operand ("," operand)* ")"
                | function
    operand    := "(" operand ")" | :value | function | path
    function   := NAME "(" operand ("," operand)* ")"
    path       := (NAME | #name) ("." (NAME | #name) | "[" NUMBER "]")*
    update     := (SET set ("," set)* | REMOVE path ("," path)*
                  | ADD path :value ("," path :value)* | DELETE path :value (...)*)+ EOF
    set        := path "=" value
    value      := term (("+" | "-") term)?
    term       := "(" value ")" | :value | function | path
    projection := path ("," path)* EOF

A syntax error names the furthest token no alternative could accept. Doubled parentheses
around the same thing raise "redundant parentheses" as soon as they close, as DynamoDB does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.expr.errors import SYNTAX, ExpressionError, RedundantParentheses
from dynafed.dynamodb.expr.lexer import T, Token, near, tokenize

R = TypeVar("R")

COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")


class _Backtrack(Exception):
    """Internal: this alternative does not match."""


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.furthest = 0

    # --- entry points ---------------------------------------------------------------------

    def condition(self) -> ast.Condition:
        return self._whole(lambda: self._or()[0])

    def update(self) -> ast.UpdateExpr:
        return self._whole(self._update)

    def projection(self) -> ast.ProjectionExpr:
        return self._whole(lambda: ast.ProjectionExpr(tuple(self._list(self._path))))

    def _whole(self, rule: Callable[[], R]) -> R:
        try:
            result = rule()
            self._expect_kind(T.EOF)
            return result
        except _Backtrack:
            index = self.furthest
            token = self.tokens[index]
            text = "<EOF>" if token.kind is T.EOF else token.text
            raise ExpressionError(
                SYNTAX, token=f'"{text}"', near=f'"{near(self.text, self.tokens, index)}"'
            ) from None

    # --- token helpers --------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def _fail(self) -> _Backtrack:
        self.furthest = max(self.furthest, self.pos)
        return _Backtrack()

    def _advance(self) -> Token:
        token = self.token
        self.pos += 1
        return token

    def _expect_kind(self, kind: T) -> Token:
        if self.token.kind is not kind:
            raise self._fail()
        return self._advance()

    def _expect_symbol(self, symbol: str) -> None:
        if not self.token.is_symbol(symbol):
            raise self._fail()
        self._advance()

    def _list(self, item: Callable[[], R]) -> list[R]:
        items = [item()]
        while self.token.is_symbol(","):
            self._advance()
            items.append(item())
        return items

    # --- conditions -------------------------------------------------------------------------
    # Rules return (node, wrapped): wrapped means the node is exactly one parenthesised group,
    # so wrapping it again would be a redundant pair of parentheses. AND/OR/NOT are parsed
    # with loops so that each level of parentheses costs two stack frames, not six: DynamoDB
    # accepts up to 300 operators, hence nesting nearly that deep.

    def _or(self) -> tuple[ast.Condition, bool]:
        """NOT binds tighter than AND, which binds tighter than OR; both fold to the left."""
        alternatives: list[list[ast.Condition]] = [[]]
        wrapped = False
        while True:
            negations = 0
            while self.token.is_keyword("NOT"):
                self._advance()
                negations += 1
            node, wrapped = self._primary()
            for _ in range(negations):
                node, wrapped = ast.Not(node), False
            alternatives[-1].append(node)
            if self.token.is_keyword("AND"):
                self._advance()
            elif self.token.is_keyword("OR"):
                self._advance()
                alternatives.append([])
            else:
                break
        terms = [_fold(ast.And, factors) for factors in alternatives]
        single = len(alternatives) == 1 and len(alternatives[0]) == 1
        return _fold(ast.Or, terms), single and wrapped

    def _primary(self) -> tuple[ast.Condition, bool]:
        if self.token.is_symbol("("):
            start = self.pos
            try:
                self._advance()
                inner, wrapped = self._or()
                self._expect_symbol(")")
                if not self._at_comparison_operator():
                    if wrapped:
                        raise RedundantParentheses()
                    return inner, True
            except _Backtrack:
                pass
            self.pos = start  # a parenthesised operand, as in `(a) = b`
        return self._comparison(), False

    def _at_comparison_operator(self) -> bool:
        token = self.token
        return (token.kind is T.SYMBOL and token.text in COMPARATORS) or (
            token.is_keyword("BETWEEN") or token.is_keyword("IN")
        )

    def _comparison(self) -> ast.Condition:
        left = self._operand()[0]
        token = self.token
        if token.kind is T.SYMBOL and token.text in COMPARATORS:
            self._advance()
            op = cast("ast.Comparator", token.text)
            return ast.Comparison(op, left, self._operand()[0])
        if token.is_keyword("BETWEEN"):
            self._advance()
            low = self._operand()[0]
            if not self.token.is_keyword("AND"):
                raise self._fail()
            self._advance()
            return ast.Between(left, low, self._operand()[0])
        if token.is_keyword("IN"):
            self._advance()
            self._expect_symbol("(")
            options = self._list(lambda: self._operand()[0])
            self._expect_symbol(")")
            return ast.In(left, tuple(options))
        if isinstance(left, ast.FunctionCall):
            return left
        raise self._fail()

    def _operand(self) -> tuple[ast.Operand, bool]:
        if self.token.is_symbol("("):
            self._advance()
            inner, wrapped = self._operand()
            self._expect_symbol(")")
            if wrapped:
                raise RedundantParentheses()
            return inner, True
        return self._simple_operand(self._operand), False

    def _simple_operand(self, argument: Callable[[], tuple[ast.Operand, bool]]) -> ast.Operand:
        token = self.token
        if token.kind is T.VALUE_REF:
            self._advance()
            return ast.ValueRef(token.text)
        if token.kind is T.NAME and self.tokens[self.pos + 1].is_symbol("("):
            self._advance()
            self._advance()
            args = self._list(lambda: argument()[0])
            self._expect_symbol(")")
            return ast.FunctionCall(token.text, tuple(args))
        return self._path()

    # --- paths ------------------------------------------------------------------------------

    def _path(self) -> ast.Path:
        elements: list[ast.Element] = [self._path_name()]
        while True:
            if self.token.is_symbol("."):
                self._advance()
                elements.append(self._path_name())
            elif self.token.is_symbol("["):
                self._advance()
                elements.append(int(self._expect_kind(T.NUMBER).text))
                self._expect_symbol("]")
            else:
                return ast.Path(tuple(elements))

    def _path_name(self) -> ast.Element:
        token = self.token
        if token.kind is T.NAME:
            self._advance()
            return token.text
        if token.kind is T.NAME_REF:
            self._advance()
            return ast.NameRef(token.text)
        raise self._fail()

    # --- update -----------------------------------------------------------------------------

    def _update(self) -> ast.UpdateExpr:
        sections = [self._section()]
        while self.token.kind is not T.EOF:
            sections.append(self._section())
        return ast.UpdateExpr(tuple(sections))

    def _section(self) -> ast.UpdateSection:
        word = self.token.text.upper() if self.token.kind is T.KEYWORD else ""
        if word not in ("SET", "REMOVE", "ADD", "DELETE"):
            raise self._fail()
        self._advance()
        kind = cast("ast.ActionKind", word)
        if kind == "SET":
            actions = self._list(self._set_action)
        elif kind == "REMOVE":
            actions = self._list(lambda: ast.UpdateAction("REMOVE", self._path(), None))
        else:
            actions = self._list(lambda: self._value_action(kind))
        return ast.UpdateSection(kind, tuple(actions))

    def _set_action(self) -> ast.UpdateAction:
        path = self._path()
        self._expect_symbol("=")
        return ast.UpdateAction("SET", path, self._value()[0])

    def _value_action(self, kind: ast.ActionKind) -> ast.UpdateAction:
        path = self._path()
        value = ast.ValueRef(self._expect_kind(T.VALUE_REF).text)
        return ast.UpdateAction(kind, path, value)

    def _value(self) -> tuple[ast.Operand, bool]:
        left, wrapped = self._term()
        token = self.token
        if token.is_symbol("+") or token.is_symbol("-"):
            self._advance()
            op: ast.ArithmeticOp = "+" if token.text == "+" else "-"
            return ast.Arithmetic(op, left, self._term()[0]), False
        return left, wrapped

    def _term(self) -> tuple[ast.Operand, bool]:
        if self.token.is_symbol("("):
            self._advance()
            inner, wrapped = self._value()
            self._expect_symbol(")")
            if wrapped:
                raise RedundantParentheses()
            return inner, True
        return self._simple_operand(self._value), False


def _fold(combine: type[ast.And] | type[ast.Or], nodes: list[ast.Condition]) -> ast.Condition:
    result = nodes[0]
    for node in nodes[1:]:
        result = combine(result, node)
    return result


def parse_condition(text: str) -> ast.Condition:
    return Parser(text).condition()


def parse_update(text: str) -> ast.UpdateExpr:
    return Parser(text).update()


def parse_projection(text: str) -> ast.ProjectionExpr:
    return Parser(text).projection()
