"""Which regions the server serves. Pure.

Every request is served in its own region, as on AWS: the region of its SigV4 credential
scope, or for an unsigned Cognito call the region its identity pool or identity id begins
with. `--region` names the default for requests that name none; `--regions a,b` restricts
the regions served (unset: every region named like AWS's, `us-east-1`, `eu-central-2`,
`us-gov-west-1`, `cn-north-1`, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_AWS_REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


def is_region_name(text: str) -> bool:
    return _AWS_REGION_NAME.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Regions:
    default: str
    served: frozenset[str] | None = None
    """None: every region named like AWS's."""

    @classmethod
    def of(cls, default: str, served: Iterable[str] | None = None) -> Regions:
        return cls(default, None if served is None else frozenset(served))

    def serves(self, region: str) -> bool:
        if self.served is not None:
            return region in self.served
        return is_region_name(region)

    def of_id(self, resource_id: object) -> str:
        """The region a `<region>:<uuid>`-style id begins with, if served; else the
        default (the id then names nothing here, and the lookup says so)."""
        if isinstance(resource_id, str):
            region = resource_id.split(":", 1)[0]
            if self.serves(region):
                return region
        return self.default
