"""The Query protocol's results as services shape them. Pure.

A use case answers with plain dicts, lists and scalars, which the HTTP edge
(`server/query_protocol.py`) renders as XML: a dict is a structure whose keys are element
names. A map-typed member (IAM's `SummaryMap`, the simulator's `EvalDecisionDetails`) is
rendered differently, so it is marked with its own type. Requests are read by
`core.validation.query_input`.
"""

from __future__ import annotations

from typing import Any


class XmlMap(dict[str, Any]):
    """A map-typed value: rendered as `<entry><key>…</key><value>…</value></entry>` items,
    unlike a plain dict, which is a structure whose keys are element names."""
