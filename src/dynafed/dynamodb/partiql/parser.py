"""The PartiQL parser: one statement of DynamoDB's PartiQL subset into `statements`.

Grammar (keywords case-insensitive; AWS "PartiQL for DynamoDB" reference pages: select,
insert, update, delete, functions, operators, data types):

    statement := select | insert | update | delete
    select    := SELECT ("*" | path ("," path)*) FROM target [WHERE cond]
                 [ORDER BY path [ASC | DESC]]
    insert    := INSERT INTO target VALUE value
    update    := UPDATE target (SET path "=" term ("," path "=" term)* | REMOVE path ("," path)*)+
                 [WHERE cond] [RETURNING (ALL | MODIFIED) (OLD | NEW) "*"]
    delete    := DELETE FROM target [WHERE cond] [RETURNING ALL OLD "*"]
    target    := ident ["." ident]                        -- table, or table.index
    cond      := and (OR and)* ; and := not (AND not)* ; not := NOT not | predicate
    predicate := "(" cond ")" | function
               | operand (comparator operand | [NOT] BETWEEN operand AND operand
                          | [NOT] IN ("[" | "(") operand ("," operand)* ("]" | ")")
                          | IS [NOT] (MISSING | NULL))
    term      := operand [("+" | "-") operand]
    operand   := value | function | path
    function  := NAME "(" term ("," term)* ")"
    path      := ident ("." ident | "[" NUMBER "]")*
    value     := STRING | NUMBER | "-" NUMBER | TRUE | FALSE | NULL | "?"
               | "[" [value ("," value)*] "]" | "{" [key ":" value ("," ...)*] "}"
               | "<<" value ("," value)* ">>"

Conditions, paths and update actions are built as the expression engine's AST nodes, so
the translator hands them to the existing operations unchanged. `?` parameters are bound to
the request's `Parameters` as they are met; `x IS MISSING` is `attribute_not_exists(x)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from dynafed.dynamodb.expr import ast
from dynafed.dynamodb.partiql import statements as st
from dynafed.dynamodb.partiql.lexer import T, Token, tokenize
from dynafed.errors import ValidationException

R = TypeVar("R")

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "
PARAMETER_COUNT = "Number of parameters in request and statement don't match."
COMPARATORS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_SET_TYPES = {"S": "SS", "N": "NS", "B": "BS"}


def parse(text: str, parameters: Sequence[ast.AttributeValue] = ()) -> st.Statement:
    """The statement `text` with its `?` bound to `parameters`; raises ValidationException."""
    parser = _Parser(text, parameters)
    statement = parser.statement()
    if parser.parameters_used != len(parameters):
        raise ValidationException(PARAMETER_COUNT)
    return statement


class _Parser:
    def __init__(self, text: str, parameters: Sequence[ast.AttributeValue]) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.parameters = parameters
        self.parameters_used = 0

    # --- tokens ---------------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def _peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def _advance(self) -> Token:
        token = self.token
        self.pos += 1
        return token

    def _error(self, expected: str) -> ValidationException:
        token = self.token
        found = "end of statement" if token.kind is T.EOF else f"{token.kind.value} {token.text}"
        return ValidationException(
            f"{NOT_WELL_FORMED}Expected {expected} but found {found} at column {token.start + 1}"
        )

    def _keyword(self, *words: str) -> str:
        if not self.token.is_keyword(*words):
            raise self._error(" or ".join(words))
        return self._advance().text

    def _accept_keyword(self, *words: str) -> bool:
        if self.token.is_keyword(*words):
            self._advance()
            return True
        return False

    def _symbol(self, symbol: str) -> None:
        if not self.token.is_symbol(symbol):
            raise self._error(f"'{symbol}'")
        self._advance()

    def _accept_symbol(self, symbol: str) -> bool:
        if self.token.is_symbol(symbol):
            self._advance()
            return True
        return False

    def _list(self, item: Callable[[], R]) -> list[R]:
        items = [item()]
        while self._accept_symbol(","):
            items.append(item())
        return items

    # --- statements -----------------------------------------------------------------------

    def statement(self) -> st.Statement:
        word = self._keyword("SELECT", "INSERT", "UPDATE", "DELETE")
        rule: dict[str, Callable[[], st.Statement]] = {
            "SELECT": self._select,
            "INSERT": self._insert,
            "UPDATE": self._update,
            "DELETE": self._delete,
        }
        statement = rule[word]()
        self._accept_symbol(";")
        if self.token.kind is not T.EOF:
            raise self._error("end of statement")
        return statement

    def _select(self) -> st.Select:
        projection = None if self._accept_symbol("*") else tuple(self._list(self._path))
        self._keyword("FROM")
        target = self._target()
        where = self._where()
        descending = False
        if self._accept_keyword("ORDER"):
            self._keyword("BY")
            self._path()
            descending = (
                self._accept_keyword("ASC", "DESC") and self.tokens[self.pos - 1].text == "DESC"
            )
        return st.Select(target, projection, where, descending)

    def _insert(self) -> st.Insert:
        self._keyword("INTO")
        target = self._target()
        self._keyword("VALUE")
        start = self.token
        item = self._value().value
        if "M" not in item:
            self.pos = self.tokens.index(start)
            raise self._error("a tuple {...} as the item")
        return st.Insert(target, item)

    def _update(self) -> st.Update:
        target = self._target()
        actions: list[ast.UpdateAction] = []
        while self.token.is_keyword("SET", "REMOVE"):
            if self._advance().text == "SET":
                actions.extend(self._list(self._set_action))
            else:
                actions.extend(self._list(lambda: ast.UpdateAction("REMOVE", self._path(), None)))
        if not actions:
            raise self._error("SET or REMOVE")
        where = self._where()
        return st.Update(target, tuple(actions), where, self._returning(delete=False))

    def _delete(self) -> st.Delete:
        self._keyword("FROM")
        target = self._target()
        where = self._where()
        return st.Delete(target, where, self._returning(delete=True))

    def _set_action(self) -> ast.UpdateAction:
        path = self._path()
        self._symbol("=")
        return ast.UpdateAction("SET", path, self._term())

    def _returning(self, *, delete: bool) -> st.ReturnValues | None:
        if not self._accept_keyword("RETURNING"):
            return None
        which = self._keyword("ALL") if delete else self._keyword("ALL", "MODIFIED")
        when = self._keyword("OLD") if delete else self._keyword("OLD", "NEW")
        self._symbol("*")
        prefix = "ALL" if which == "ALL" else "UPDATED"
        return cast("st.ReturnValues", f"{prefix}_{when}")

    def _target(self) -> st.Target:
        table = self._identifier()
        index = self._identifier() if self._accept_symbol(".") else None
        return st.Target(table, index)

    def _where(self) -> ast.Condition | None:
        return self._or() if self._accept_keyword("WHERE") else None

    # --- conditions -------------------------------------------------------------------------

    def _or(self) -> ast.Condition:
        node = self._and()
        while self._accept_keyword("OR"):
            node = ast.Or(node, self._and())
        return node

    def _and(self) -> ast.Condition:
        node = self._not()
        while self._accept_keyword("AND"):
            node = ast.And(node, self._not())
        return node

    def _not(self) -> ast.Condition:
        if self._accept_keyword("NOT"):
            return ast.Not(self._not())
        return self._predicate()

    def _predicate(self) -> ast.Condition:
        if self._accept_symbol("("):
            inner = self._or()
            self._symbol(")")
            return inner
        left = self._operand()
        token = self.token
        if token.kind is T.SYMBOL and token.text in COMPARATORS:
            self._advance()
            op = cast("ast.Comparator", COMPARATORS[token.text])
            return ast.Comparison(op, left, self._operand())
        negated = self._accept_keyword("NOT")
        if self._accept_keyword("BETWEEN"):
            low = self._operand()
            self._keyword("AND")
            return _negate(ast.Between(left, low, self._operand()), negated)
        if self._accept_keyword("IN"):
            return _negate(ast.In(left, self._in_options()), negated)
        if not negated and self._accept_keyword("IS"):
            return self._is(left)
        if isinstance(left, ast.FunctionCall) and not negated:
            return left
        raise self._error("a comparison")

    def _in_options(self) -> tuple[ast.Operand, ...]:
        close = "]" if self._accept_symbol("[") else ")"
        if close == ")":
            self._symbol("(")
        options = self._list(self._operand)
        self._symbol(close)
        return tuple(options)

    def _is(self, subject: ast.Operand) -> ast.Condition:
        negated = self._accept_keyword("NOT")
        word = self._keyword("MISSING", "NULL")
        if word == "MISSING":
            name = "attribute_exists" if negated else "attribute_not_exists"
            return ast.FunctionCall(name, (subject,))
        is_null = ast.FunctionCall("attribute_type", (subject, ast.Literal({"S": "NULL"})))
        return _negate(is_null, negated)

    # --- operands ---------------------------------------------------------------------------

    def _term(self) -> ast.Operand:
        left = self._operand()
        if self.token.is_symbol("+") or self.token.is_symbol("-"):
            op: ast.ArithmeticOp = "+" if self._advance().text == "+" else "-"
            return ast.Arithmetic(op, left, self._operand())
        return left

    def _operand(self) -> ast.Operand:
        token = self.token
        if token.kind is T.NAME and self._peek().is_symbol("("):
            self._advance()
            self._advance()
            args = self._list(self._term)
            self._symbol(")")
            return ast.FunctionCall(token.text.lower(), tuple(args))
        if token.kind in (T.NAME, T.QUOTED):
            return self._path()
        return self._value()

    def _identifier(self) -> str:
        if self.token.kind not in (T.NAME, T.QUOTED):
            raise self._error("an identifier")
        return self._advance().text

    def _path(self) -> ast.Path:
        elements: list[ast.Element] = [self._identifier()]
        while True:
            if self._accept_symbol("."):
                elements.append(self._identifier())
            elif self._accept_symbol("["):
                if self.token.kind is T.STRING:
                    elements.append(self._advance().text)
                elif self.token.kind is T.NUMBER and self.token.text.isdigit():
                    elements.append(int(self._advance().text))
                else:
                    raise self._error("a list index")
                self._symbol("]")
            else:
                return ast.Path(tuple(elements))

    # --- values -----------------------------------------------------------------------------

    def _value(self) -> ast.Literal:
        token = self.token
        if token.kind is T.STRING:
            self._advance()
            return ast.Literal({"S": token.text})
        if token.kind is T.NUMBER:
            self._advance()
            return ast.Literal({"N": token.text})
        if token.is_symbol("-") and self._peek().kind is T.NUMBER:
            self._advance()
            return ast.Literal({"N": "-" + self._advance().text})
        if token.is_keyword("TRUE", "FALSE"):
            self._advance()
            return ast.Literal({"BOOL": token.text == "TRUE"})
        if token.is_keyword("NULL"):
            self._advance()
            return ast.Literal({"NULL": True})
        if token.kind is T.PARAMETER:
            self._advance()
            return ast.Literal(self._parameter())
        if token.is_symbol("["):
            return ast.Literal({"L": self._members("]")})
        if token.is_symbol("{"):
            return ast.Literal({"M": self._tuple()})
        if token.is_symbol("<<"):
            return ast.Literal(self._set())
        raise self._error("a value")

    def _parameter(self) -> ast.AttributeValue:
        index = self.parameters_used
        self.parameters_used += 1
        if index >= len(self.parameters):
            return {"NULL": True}  # `parse` refuses the count once the whole text is read
        return self.parameters[index]

    def _members(self, close: str) -> list[ast.AttributeValue]:
        self._advance()
        if self._accept_symbol(close):
            return []
        members = [literal.value for literal in self._list(self._value)]
        self._symbol(close)
        return members

    def _tuple(self) -> dict[str, Any]:
        self._advance()
        entries: dict[str, Any] = {}
        if self._accept_symbol("}"):
            return entries

        def entry() -> None:
            if self.token.kind not in (T.STRING, T.QUOTED):
                raise self._error("an attribute name in quotes")
            name = self._advance().text
            self._symbol(":")
            entries[name] = self._value().value

        self._list(entry)
        self._symbol("}")
        return entries

    def _set(self) -> ast.AttributeValue:
        start = self.pos
        members = self._members(">>")
        types = {next(iter(member)) for member in members}
        if len(types) != 1 or (kind := next(iter(types))) not in _SET_TYPES:
            self.pos = start
            raise self._error("a set of strings, numbers or binaries")
        return {_SET_TYPES[kind]: [member[kind] for member in members]}


def _negate(condition: ast.Condition, negated: bool) -> ast.Condition:
    return ast.Not(condition) if negated else condition
