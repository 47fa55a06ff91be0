"""`Null`: tests whether a key is present (IAM condition operators page).

`{"Null": {"k": "true"}}` holds iff `k` is absent or holds no value (an empty list);
`"false"` holds iff `k` has at least one value. An empty *string* is a value (PMapper
treated it as null; iam-fgac.md section 9). `Null` takes no `IfExists`; under
`ForAllValues` it is always true and under `ForAnyValue` always false (Access Analyzer
"Null with qualifier"). `quantifiers` implements all of this; the value compiler only maps
the policy values to the answers they accept.
"""

from __future__ import annotations

from dynafed.policy.conditions.base import Binder, OperatorSpec, constant
from dynafed.policy.variables import Template


def compile_null(templates: tuple[Template, ...]) -> Binder:
    wanted = frozenset(t.text({}) or "" for t in templates)
    accepts = frozenset(w.lower() for w in wanted) & {"true", "false"}
    # pos(answer): answer is "true" when the key is null, "false" when it has a value.
    return constant(accepts.__contains__)


OPERATORS = (OperatorSpec("Null", False, compile_null, tests_presence=True),)
