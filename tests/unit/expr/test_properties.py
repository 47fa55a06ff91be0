"""Property tests: random items and random expressions, rendered to text, compiled and run
by the engine, must agree with a small reference model written here from the Developer
Guide's "Comparison operator and function reference" and "Update expressions".

The reference model works on plain Python values (str, Decimal, bytes, frozensets, tuples)
so it shares no code with the engine.
"""

from __future__ import annotations

import base64
import contextlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dynafed.dynamodb.expr import compile_expressions
from dynafed.errors import ValidationException

NAMES = ["a", "b", "c", "d"]
EXAMPLES = settings(max_examples=100, deadline=None)

# --- values ------------------------------------------------------------------------------------

# Small domains so that items and literals often hold equal or neighbouring values.
strings = st.text(alphabet="a\u00e9\U0001f600", max_size=2)
numbers = st.sampled_from(["0", "1", "2", "-2.5", "10", "0.1"])
raw_bytes = st.binary(max_size=2).map(lambda b: bytes(x & 0x81 for x in b))


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


scalars = st.one_of(
    strings.map(lambda v: {"S": v}),
    numbers.map(lambda v: {"N": v}),
    raw_bytes.map(lambda v: {"B": b64(v)}),
)
sets = st.one_of(
    st.sets(strings, min_size=1, max_size=3).map(lambda v: {"SS": sorted(v)}),
    st.sets(numbers, min_size=1, max_size=3).map(lambda v: {"NS": sorted(v)}),
    st.sets(raw_bytes, min_size=1, max_size=3).map(lambda v: {"BS": sorted(map(b64, v))}),
)
values = st.one_of(
    scalars,
    scalars,
    scalars,
    sets,
    st.booleans().map(lambda v: {"BOOL": v}),
    st.just({"NULL": True}),
    st.lists(scalars, max_size=3).map(lambda v: {"L": v}),
    st.dictionaries(st.sampled_from(["x", "y"]), scalars, max_size=2).map(lambda v: {"M": v}),
)
items = st.dictionaries(st.sampled_from(NAMES), values, max_size=4)


def model(value: dict[str, Any] | None) -> Any:
    """A value as plain Python data, comparable with ==."""
    if value is None:
        return None
    ((kind, member),) = value.items()
    if kind == "N":
        return ("N", Decimal(member))
    if kind == "B":
        return ("B", base64.b64decode(member))
    if kind == "SS":
        return ("SS", frozenset(member))
    if kind == "NS":
        return ("NS", frozenset(map(Decimal, member)))
    if kind == "BS":
        return ("BS", frozenset(map(base64.b64decode, member)))
    if kind == "L":
        return ("L", tuple(map(model, member)))
    if kind == "M":
        return ("M", frozenset((k, model(v)) for k, v in member.items()))
    return (kind, member)


# --- random conditions --------------------------------------------------------------------------


@dataclass
class Rendering:
    """Collects the placeholders a rendered expression uses."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def value(self, value: dict[str, Any]) -> str:
        key = f":v{len(self.values)}"
        self.values[key] = value
        return key

    def name(self, name: str, escaped: bool) -> str:
        if not escaped:
            return name
        key = f"#n{name}"
        self.names[key] = name
        return key


paths = st.tuples(st.just("path"), st.sampled_from(NAMES), st.booleans())


def conditions_for(item: dict[str, Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    """Random conditions whose literals are often taken from `item`, so that equal and
    neighbouring values meet often."""
    pool = list(item.values())
    pool_scalars = [v for v in pool if next(iter(v)) in ("S", "N", "B")]
    scalar_names = [k for k, v in item.items() if v in pool_scalars]
    paths = st.tuples(st.just("path"), st.sampled_from(NAMES), st.booleans())
    if scalar_names:
        paths = st.tuples(st.just("path"), st.sampled_from(scalar_names), st.booleans()) | paths
    literal = st.tuples(
        st.just("val"),
        st.one_of(
            values, *[st.just(v) for v in pool[:1]], st.sampled_from(pool) if pool else values
        ),
    )
    ordered_literal = st.tuples(
        st.just("val"), st.sampled_from(pool_scalars) if pool_scalars else scalars
    ) | st.tuples(st.just("val"), scalars)

    @st.composite
    def comparisons(draw: st.DrawFn) -> tuple[Any, ...]:
        op = draw(st.sampled_from(["=", "<>", "<", "<=", ">", ">="]))
        left = draw(st.one_of(paths, st.tuples(st.just("size"), paths)))
        if left[0] == "size":
            right = ("val", {"N": draw(st.sampled_from(["0", "1", "2", "3"]))})
        else:
            right = draw(st.one_of(literal, paths) if op in ("=", "<>") else ordered_literal)
        if right[0] == "path" and left[0] == "path" and right[1] == left[1]:
            right = ("val", {"N": "1"})
        if draw(st.booleans()):
            left, right = right, left
        return ("cmp", op, left, right)

    @st.composite
    def betweens(draw: st.DrawFn) -> tuple[Any, ...]:
        first = draw(ordered_literal)[1]
        kind = next(iter(first))
        second = draw(st.sampled_from([v for v in pool_scalars if kind in v] or [first]))
        bounds = sorted([first, second], key=lambda v: model(v)[1])
        return ("between", draw(paths), ("val", bounds[0]), ("val", bounds[1]))

    ins = st.tuples(st.just("in"), paths, st.lists(literal, min_size=1, max_size=4))
    functions = st.one_of(
        st.tuples(st.just("attribute_exists"), paths),
        st.tuples(st.just("attribute_not_exists"), paths),
        st.tuples(
            st.just("attribute_type"),
            paths,
            st.sampled_from(["S", "N", "B", "SS", "NS", "BS", "L", "M", "BOOL", "NULL"]),
        ),
        st.tuples(
            st.just("begins_with"),
            paths,
            st.one_of(
                strings.map(lambda v: ("val", {"S": v})),
                raw_bytes.map(lambda v: ("val", {"B": b64(v)})),
                ordered_literal.filter(lambda v: "N" not in v[1]),
            ),
        ),
        st.tuples(st.just("contains"), paths, literal),
    )
    atoms = st.one_of(comparisons(), comparisons(), betweens(), ins, functions)
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.tuples(st.just("not"), inner),
            st.tuples(st.sampled_from(["and", "or"]), inner, inner),
        ),
        max_leaves=6,
    )


PRECEDENCE = {"or": 1, "and": 2, "not": 3}


def render(node: tuple[Any, ...], out: Rendering) -> str:
    kind = node[0]
    if kind in ("and", "or"):
        return (
            f"{render_child(node[1], kind, out)} {kind.upper()} {render_child(node[2], kind, out)}"
        )
    if kind == "not":
        return f"NOT {render_child(node[1], 'not', out)}"
    if kind == "cmp":
        return f"{operand(node[2], out)} {node[1]} {operand(node[3], out)}"
    if kind == "between":
        return (
            f"{operand(node[1], out)} BETWEEN {operand(node[2], out)} AND {operand(node[3], out)}"
        )
    if kind == "in":
        options = ", ".join(operand(option, out) for option in node[2])
        return f"{operand(node[1], out)} IN ({options})"
    if kind == "attribute_type":
        return f"attribute_type({operand(node[1], out)}, {out.value({'S': node[2]})})"
    args = ", ".join(operand(arg, out) for arg in node[1:])
    return f"{kind}({args})"


def render_child(child: tuple[Any, ...], parent: str, out: Rendering) -> str:
    text = render(child, out)
    needs_parens = child[0] in PRECEDENCE and PRECEDENCE[child[0]] < PRECEDENCE[parent]
    return f"({text})" if needs_parens else text


def operand(node: tuple[Any, ...], out: Rendering) -> str:
    if node[0] == "path":
        return out.name(node[1], node[2])
    if node[0] == "size":
        return f"size({operand(node[1], out)})"
    return out.value(node[1])


# --- the reference evaluator -------------------------------------------------------------------


def ref_operand(node: tuple[Any, ...], item: dict[str, Any]) -> Any:
    if node[0] == "path":
        return model(item.get(node[1]))
    if node[0] == "val":
        return model(node[1])
    return ref_size(ref_operand(node[1], item))


def ref_size(value: Any) -> Any:
    if value is None:
        return None
    kind, member = value
    if kind == "S":
        return ("N", Decimal(len(member.encode("utf-16-le")) // 2))
    if kind in ("B", "SS", "NS", "BS", "L", "M"):
        return ("N", Decimal(len(member)))
    return None


def ref_less(left: Any, right: Any) -> bool | None:
    """left < right for two same-typed S/N/B values; None when they cannot be ordered."""
    if left is None or right is None or left[0] != right[0] or left[0] not in ("S", "N", "B"):
        return None
    if left[0] == "S":  # UTF-8 byte order
        return bool(left[1].encode() < right[1].encode())
    return bool(left[1] < right[1])


def ref_compare(op: str, left: Any, right: Any) -> bool:
    if op == "=":
        return left is not None and left == right
    if op == "<>":
        return not (left is not None and left == right)
    less, greater = ref_less(left, right), ref_less(right, left)
    if less is None or greater is None:
        return False
    return {"<": less, ">": greater, "<=": not greater, ">=": not less}[op]


def ref_eval(node: tuple[Any, ...], item: dict[str, Any]) -> bool:
    kind = node[0]
    if kind == "and":
        return ref_eval(node[1], item) and ref_eval(node[2], item)
    if kind == "or":
        return ref_eval(node[1], item) or ref_eval(node[2], item)
    if kind == "not":
        return not ref_eval(node[1], item)
    if kind == "cmp":
        return ref_compare(node[1], ref_operand(node[2], item), ref_operand(node[3], item))
    if kind == "between":
        subject = ref_operand(node[1], item)
        return ref_compare(">=", subject, ref_operand(node[2], item)) and ref_compare(
            "<=", subject, ref_operand(node[3], item)
        )
    if kind == "in":
        subject = ref_operand(node[1], item)
        return any(ref_compare("=", subject, ref_operand(o, item)) for o in node[2])
    value = ref_operand(node[1], item)
    if kind == "attribute_exists":
        return value is not None
    if kind == "attribute_not_exists":
        return value is None
    if kind == "attribute_type":
        return value is not None and value[0] == node[2]
    other = ref_operand(node[2], item)
    if value is None or other is None:
        return False
    if kind == "begins_with":
        return (
            value[0] == other[0]
            and value[0] in ("S", "B")
            and value[1][: len(other[1])] == other[1]
        )
    return ref_contains(value, other)


def ref_contains(container: Any, needle: Any) -> bool:
    kind, member = container
    if kind in ("S", "B"):
        return needle[0] == kind and needle[1] in member
    if kind == "L":
        return needle in member
    if kind in ("SS", "NS", "BS"):
        return needle[0] == kind[0] and needle[1] in member
    return False


@settings(max_examples=75, deadline=None)  # each example builds its strategies: slower
@given(st.data())
def test_conditions_agree_with_the_reference(data: st.DataObject) -> None:
    item = data.draw(st.dictionaries(st.sampled_from(NAMES), values, min_size=2, max_size=4))
    node = data.draw(conditions_for(item))
    out = Rendering()
    text = render(node, out)
    compiled = compile_expressions(
        {
            "ConditionExpression": text,
            "ExpressionAttributeValues": out.values or None,
            "ExpressionAttributeNames": out.names or None,
        }
    )
    assert compiled.condition is not None
    assert compiled.condition.evaluate(item) == ref_eval(node, item), text
    assert compiled.condition.evaluate(None) == ref_eval(node, {}), text


# --- updates -------------------------------------------------------------------------------------

MISSING = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"

number_values = numbers.map(lambda v: {"N": v})
string_sets = st.sets(strings, min_size=1, max_size=3).map(lambda v: {"SS": sorted(v)})
actions = st.one_of(
    st.tuples(st.just("set"), values),
    st.tuples(st.just("copy"), st.sampled_from(NAMES)),
    st.tuples(st.just("plus"), st.sampled_from(NAMES), number_values),
    st.tuples(st.just("default"), st.sampled_from(NAMES), values),
    st.tuples(st.just("remove")),
    st.tuples(st.just("add"), st.one_of(number_values, string_sets)),
    st.tuples(st.just("delete"), string_sets),
)
updates = st.dictionaries(st.sampled_from(NAMES), actions, min_size=1, max_size=4)


def render_update(plan: dict[str, tuple[Any, ...]], out: Rendering) -> str:
    sections: dict[str, list[str]] = {}
    for target, action in plan.items():
        kind = action[0]
        if kind == "set":
            sections.setdefault("SET", []).append(f"{target} = {out.value(action[1])}")
        elif kind == "copy":
            sections.setdefault("SET", []).append(f"{target} = {action[1]}")
        elif kind == "plus":
            sections.setdefault("SET", []).append(
                f"{target} = {action[1]} + {out.value(action[2])}"
            )
        elif kind == "default":
            text = f"{target} = if_not_exists({action[1]}, {out.value(action[2])})"
            sections.setdefault("SET", []).append(text)
        elif kind == "remove":
            sections.setdefault("REMOVE", []).append(target)
        else:
            sections.setdefault(kind.upper(), []).append(f"{target} {out.value(action[1])}")
    return " ".join(f"{verb} {', '.join(parts)}" for verb, parts in sections.items())


def ref_update(item: dict[str, Any], plan: dict[str, tuple[Any, ...]]) -> dict[str, Any] | str:
    """The updated item as models, or the error message. SET values come from the old item
    first (in text order), then every action applies."""
    old = {name: model(value) for name, value in item.items()}
    new = dict(old)
    set_order = [t for t, a in plan.items() if a[0] in ("set", "copy", "plus", "default")]
    computed: dict[str, Any] = {}
    for target in set_order:
        action = plan[target]
        if action[0] == "set":
            computed[target] = model(action[1])
        elif action[0] == "copy":
            if old.get(action[1]) is None:
                return MISSING
            computed[target] = old[action[1]]
        elif action[0] == "default":
            computed[target] = old.get(action[1]) or model(action[2])
        else:
            base = old.get(action[1])
            if base is None:
                return MISSING
            if base[0] != "N":
                return WRONG_TYPE
            computed[target] = ("N", base[1] + Decimal(action[2]["N"]))
    for target, action in plan.items():
        current = new.get(target)
        if target in computed:
            new[target] = computed[target]
        elif action[0] == "remove":
            new.pop(target, None)
        elif action[0] == "add":
            operand = model(action[1])
            if current is None:
                new[target] = operand
            elif current[0] != operand[0]:
                return WRONG_TYPE
            elif operand[0] == "N":
                new[target] = ("N", current[1] + operand[1])
            else:
                new[target] = ("SS", current[1] | operand[1])
        elif current is not None:  # delete
            operand = model(action[1])
            if current[0] != operand[0]:
                return WRONG_TYPE
            remaining = current[1] - operand[1]
            if remaining:
                new[target] = ("SS", remaining)
            else:
                del new[target]
    return new


@EXAMPLES
@given(items, updates)
def test_updates_agree_with_the_reference(item: dict[str, Any], plan: dict[str, Any]) -> None:
    out = Rendering()
    text = render_update(plan, out)
    compiled = compile_expressions(
        {"UpdateExpression": text, "ExpressionAttributeValues": out.values or None}
    )
    assert compiled.update is not None
    expected = ref_update(item, plan)
    try:
        result: dict[str, Any] | str = {
            name: model(value) for name, value in compiled.update.apply(item).items()
        }
    except ValidationException as error:
        result = error.message
    assert result == expected, text


@EXAMPLES
@given(items, st.sampled_from(NAMES), values)
def test_a_set_value_reads_back_through_a_projection(
    item: dict[str, Any], name: str, value: dict[str, Any]
) -> None:
    compiled = compile_expressions(
        {
            "UpdateExpression": "SET #t = :v",
            "ProjectionExpression": "#t",
            "ExpressionAttributeNames": {"#t": name},
            "ExpressionAttributeValues": {":v": value},
        }
    )
    assert compiled.update is not None and compiled.projection is not None
    new = compiled.update.apply(item)
    assert compiled.projection.apply(new) == {name: value}
    assert compiled.update.updated_attributes(new) == {name: value}
    others = {k: v for k, v in item.items() if k != name}
    assert {k: v for k, v in new.items() if k != name} == others


# --- robustness ----------------------------------------------------------------------------------

PIECES = [
    "a",
    "b",
    "#n",
    ":v",
    "(",
    ")",
    "[",
    "]",
    "0",
    "1",
    ".",
    ",",
    "=",
    "<>",
    "<",
    ">=",
    "+",
    "-",
    "AND",
    "OR",
    "NOT",
    "BETWEEN",
    "IN",
    "SET",
    "REMOVE",
    "ADD",
    "DELETE",
    "size",
    "contains",
    "if_not_exists",
    "list_append",
    "attribute_exists",
    "*",
    "'",
    " ",
]


@EXAMPLES
@given(
    st.lists(st.sampled_from(PIECES), max_size=14).map(" ".join),
    st.sampled_from(
        [
            "ConditionExpression",
            "UpdateExpression",
            "ProjectionExpression",
            "KeyConditionExpression",
            "FilterExpression",
        ]
    ),
)
def test_any_text_is_either_compiled_or_refused_with_a_validation_error(
    text: str, param: str
) -> None:
    params: dict[str, Any] = {param: text}
    if "#n" in text:
        params["ExpressionAttributeNames"] = {"#n": "n"}
    if ":v" in text:
        params["ExpressionAttributeValues"] = {":v": {"N": "1"}}
    try:
        compiled = compile_expressions(params)
    except ValidationException:
        return
    for part in (compiled.condition, compiled.filter, compiled.key_condition):
        if part is not None:
            part.evaluate({"a": {"N": "1"}, "n": {"L": [{"S": "x"}]}})
    if compiled.update is not None:
        with contextlib.suppress(ValidationException):
            compiled.update.apply({"a": {"N": "1"}, "n": {"L": [{"S": "x"}]}})
