"""How one condition key's entry turns `pos(c)` into true/false (iam-fgac.md 3.1).

Let C be the request's values for the key (None when the key is absent) and pos(c) "c
matches some policy value" (the family's matcher):

| form                    | key absent | key present                                  |
|-------------------------|------------|----------------------------------------------|
| Op                      | false      | some c: pos(c)                               |
| NegatedOp               | true       | no c: pos(c)  (policy values: AND of "not") |
| ...IfExists             | true       | as without IfExists                          |
| ForAllValues:Op         | true       | every c: pos(c)                              |
| ForAllValues:NegatedOp  | true       | every c: not pos(c)                          |
| ForAnyValue:Op          | false      | some c: pos(c)                               |
| ForAnyValue:NegatedOp   | false      | some c: not pos(c)                           |

A present key with no values counts as absent for an unqualified operator. For the set
qualifiers a key whose values are all empty strings (or none) is a "null data set": true
for ForAllValues, false for ForAnyValue, true for ForAnyValue...IfExists (IAM page
"Single-valued vs. multivalued context keys"). An unqualified operator on a key with several
values tests "some value" (AWS leaves this undefined; iam-fgac.md 3.1 [C]).

Negation sits *inside* the quantifier (MinIO applied it outside; iam-fgac.md section 9).
"""

from __future__ import annotations

from collections.abc import Callable

from dynafed.policy.conditions.base import Binder, ContextValues, static_matcher
from dynafed.policy.conditions.registry import ParsedOperator, Qualifier

Check = Callable[[ContextValues], bool]


def build_check(key: str, operator: ParsedOperator, bind: Binder) -> Check:
    """The test for `"operator": {key: values}`; `key` is lower-cased."""
    if operator.base.tests_presence:
        return _null_check(key, operator.qualifier, bind)
    negated = operator.base.negated
    if operator.qualifier is Qualifier.FOR_ALL_VALUES:
        return _for_all(key, bind, negated)
    if operator.qualifier is Qualifier.FOR_ANY_VALUE:
        return _for_any(key, bind, negated, operator.if_exists)
    if negated:
        return _negated(key, bind)
    return _positive(key, bind, operator.if_exists)


# The checks below run for every condition of every authorization: plain loops, no
# generator expressions (they cost several times more at these list sizes), and the
# matcher of constant values is fetched once (`static`) instead of through the binder.


def _positive(key: str, bind: Binder, if_exists: bool) -> Check:
    static = static_matcher(bind)

    def check(context: ContextValues) -> bool:
        values = context.get(key)
        if not values:
            return if_exists
        pos = static or bind(context)
        for value in values:  # noqa: SIM110 (hot path: a loop beats any/all)
            if pos(value):
                return True
        return False

    return check


def _negated(key: str, bind: Binder) -> Check:
    static = static_matcher(bind)

    def check(context: ContextValues) -> bool:
        values = context.get(key)
        if not values:
            return True  # negated operators are true on an absent key, IfExists or not
        pos = static or bind(context)
        for value in values:  # noqa: SIM110 (hot path: a loop beats any/all)
            if pos(value):
                return False
        return True

    return check


def _for_all(key: str, bind: Binder, negated: bool) -> Check:
    static = static_matcher(bind)

    def check(context: ContextValues) -> bool:
        values = context.get(key)
        if values is None or not any(values):
            return True  # a null data set: absent, empty, or only empty strings
        pos = static or bind(context)
        for value in values:  # noqa: SIM110 (hot path: a loop beats any/all)
            if bool(pos(value)) is negated:
                return False
        return True

    return check


def _for_any(key: str, bind: Binder, negated: bool, if_exists: bool) -> Check:
    static = static_matcher(bind)

    def check(context: ContextValues) -> bool:
        values = context.get(key)
        if values is None or not any(values):
            return if_exists  # a null data set: absent, empty, or only empty strings
        pos = static or bind(context)
        for value in values:  # noqa: SIM110 (hot path: a loop beats any/all)
            if bool(pos(value)) is not negated:
                return True
        return False

    return check


def _null_check(key: str, qualifier: Qualifier, bind: Binder) -> Check:
    if qualifier is Qualifier.FOR_ALL_VALUES:
        return _always_true
    if qualifier is Qualifier.FOR_ANY_VALUE:
        return _always_false
    accepts = bind({})

    def check(context: ContextValues) -> bool:
        is_null = not context.get(key)
        return bool(accepts("true" if is_null else "false"))

    return check


def _always_true(context: ContextValues) -> bool:
    return True


def _always_false(context: ContextValues) -> bool:
    return False
