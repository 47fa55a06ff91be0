"""What the linter knows about condition keys: which are multivalued, which single-valued,
and which DynamoDB actions carry which DynamoDB keys.

Sources: "AWS global condition context keys", "IAM and AWS STS condition context keys",
"Actions, resources, and condition keys for Amazon DynamoDB" and the DynamoDB FGAC page, as
summarised in iam-fgac.md 4.4 and 5.2. Keys are lower-cased. A key the tables do not know
is neither single- nor multivalued for the linter (no finding is made about it).
"""

from __future__ import annotations

MULTIVALUED_KEYS = frozenset(
    {
        "aws:tagkeys",
        "aws:calledvia",
        "aws:principalservicenameslist",
        "aws:principalorgpaths",
        "dynamodb:leadingkeys",
        "dynamodb:firstpartitionkeyvalues",
        "dynamodb:secondpartitionkeyvalues",
        "dynamodb:thirdpartitionkeyvalues",
        "dynamodb:fourthpartitionkeyvalues",
        "dynamodb:attributes",
    }
)
MULTIVALUED_SUFFIXES = (":amr",)

SINGLE_VALUED_KEYS = frozenset(
    {
        "aws:currenttime",
        "aws:epochtime",
        "aws:securetransport",
        "aws:sourceip",
        "aws:useragent",
        "aws:userid",
        "aws:username",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:principalorgid",
        "aws:federatedprovider",
        "aws:tokenissuetime",
        "aws:multifactorauthpresent",
        "aws:requestedregion",
        "aws:sourceidentity",
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:viaawsservice",
        "aws:calledviafirst",
        "aws:calledvialast",
        "aws:referer",
        "dynamodb:select",
        "dynamodb:returnvalues",
        "dynamodb:returnconsumedcapacity",
        "dynamodb:enclosingoperation",
        "dynamodb:fulltablescan",
    }
)
SINGLE_VALUED_PREFIXES = ("aws:principaltag/", "aws:requesttag/", "aws:resourcetag/")
SINGLE_VALUED_SUFFIXES = (":sub", ":aud", ":oaud", ":user_id", ":app_id", ":id")


def is_multivalued(key: str) -> bool:
    return key in MULTIVALUED_KEYS or key.endswith(MULTIVALUED_SUFFIXES)


def is_single_valued(key: str) -> bool:
    if is_multivalued(key):
        return False
    return (
        key in SINGLE_VALUED_KEYS
        or key.startswith(SINGLE_VALUED_PREFIXES)
        or key.endswith(SINGLE_VALUED_SUFFIXES)
    )


LEADING_KEYS = "dynamodb:leadingkeys"
ATTRIBUTES = "dynamodb:attributes"
SELECT = "dynamodb:select"
RETURN_VALUES = "dynamodb:returnvalues"
RETURN_CONSUMED_CAPACITY = "dynamodb:returnconsumedcapacity"

_ITEM_KEYS = frozenset({LEADING_KEYS, "dynamodb:firstpartitionkeyvalues", ATTRIBUTES})
_READ_KEYS = _ITEM_KEYS | {SELECT, RETURN_CONSUMED_CAPACITY}
_WRITE_KEYS = _ITEM_KEYS | {RETURN_VALUES, RETURN_CONSUMED_CAPACITY}

DYNAMODB_ACTION_KEYS: dict[str, frozenset[str]] = {
    "dynamodb:GetItem": _READ_KEYS,
    "dynamodb:BatchGetItem": _READ_KEYS,
    "dynamodb:Query": _READ_KEYS,
    "dynamodb:Scan": frozenset({ATTRIBUTES, SELECT, RETURN_CONSUMED_CAPACITY}),
    "dynamodb:PutItem": _WRITE_KEYS,
    "dynamodb:UpdateItem": _WRITE_KEYS,
    "dynamodb:DeleteItem": _WRITE_KEYS,
    "dynamodb:BatchWriteItem": _ITEM_KEYS | {RETURN_CONSUMED_CAPACITY},
    "dynamodb:ConditionCheckItem": _ITEM_KEYS | {RETURN_CONSUMED_CAPACITY},
    **{
        f"dynamodb:{name}": frozenset()
        for name in (
            "CreateTable",
            "DeleteTable",
            "DescribeTable",
            "ListTables",
            "UpdateTable",
            "DescribeTimeToLive",
            "UpdateTimeToLive",
            "ListTagsOfResource",
            "TagResource",
            "UntagResource",
            "DescribeLimits",
            "DescribeEndpoints",
            "DescribeContinuousBackups",
            "CreateBackup",
            "ListBackups",
            "ListStreams",
            "DescribeStream",
            "GetRecords",
            "GetShardIterator",
            "GetResourcePolicy",
            "PutResourcePolicy",
            "DeleteResourcePolicy",
        )
    },
}
"""Every DynamoDB action the linter knows, with the (lower-cased) DynamoDB keys its
requests carry."""

DYNAMODB_KEYS = frozenset().union(*DYNAMODB_ACTION_KEYS.values())
READ_ACTIONS = frozenset(a for a, keys in DYNAMODB_ACTION_KEYS.items() if SELECT in keys)
RETURNING_WRITE_ACTIONS = frozenset(
    a for a, keys in DYNAMODB_ACTION_KEYS.items() if RETURN_VALUES in keys
)
