"""Two server nodes on one PostgreSQL schema share all state but what each caches (issue 7).

A client behind a load balancer reaches any node: what one node creates (tables, IAM roles,
OpenID Connect providers) or mints (session credentials, sealed with the shared keyring)
must work on the other, and an IAM change made through one node must reach the other within
the role cache's TTL (`dynafed.enforcement.role_cache.DEFAULT_TTL_SECONDS`; AWS documents
IAM changes as eventually consistent too: IAM User Guide, "Troubleshoot IAM", changes that I
make are not always immediately visible).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from dynafed.enforcement.role_cache import DEFAULT_TTL_SECONDS
from dynafed.iam.user_keys import DEFAULT_TTL_SECONDS as USER_KEY_TTL_SECONDS
from tests.fixtures.oidc import OidcProvider
from tests.support.clients import client
from tests.support.cluster import Cluster, running_cluster
from tests.support.dynamodb_tables import create_table, index
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.e2e

PROPAGATION_BOUND = DEFAULT_TTL_SECONDS + 3.0
"""The documented delay plus a margin for a loaded test machine."""
KEY_PROPAGATION_BOUND = USER_KEY_TTL_SECONDS + 3.0
CLIENT_ID = "dynafed-web"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(tmp_path_factory.mktemp("shared-state")) as running:
        yield running


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    provider = OidcProvider.start(Path(tmp_path_factory.mktemp("idp")))
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def table(cluster: Cluster) -> str:
    return create_table(client(cluster.nodes[0], "dynamodb"), "Shared", ("id", "S"))


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(table_arn: str, *actions: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": list(actions), "Resource": table_arn}


def table_arn(node: ServerProcess, table: str) -> str:
    return f"arn:aws:dynamodb:{node.region}:{node.account_id}:table/{table}"


def admin_trust(node: ServerProcess) -> str:
    principal = {"AWS": f"arn:aws:iam::{node.account_id}:root"}
    return policy({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def create_role(node: ServerProcess, trust: str, *statements: dict[str, Any]) -> tuple[str, str]:
    """(name, ARN) of a new role made through `node`, with one inline policy."""
    name = f"Shared-{uuid.uuid4().hex[:10]}"
    iam = client(node, "iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="access", PolicyDocument=policy(*statements))
    return name, str(arn)


def session_client(node: ServerProcess, service: str, credentials: dict[str, Any]) -> Any:
    return client(
        node,
        service,
        access_key=credentials["AccessKeyId"],
        secret_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )


def assume(node: ServerProcess, role_arn: str, session_name: str) -> dict[str, Any]:
    answer = client(node, "sts").assume_role(RoleArn=role_arn, RoleSessionName=session_name)
    credentials: dict[str, Any] = answer["Credentials"]
    return credentials


def get_is_allowed(dynamodb: Any, table: str) -> bool:
    try:
        dynamodb.get_item(TableName=table, Key={"id": {"S": "probe"}})
    except ClientError as error:
        if error.response["Error"]["Code"] != "AccessDeniedException":
            raise
        return False
    return True


def seconds_until(condition: Callable[[], bool], bound: float) -> float:
    """Poll `condition` until it holds; fail if that takes longer than `bound` seconds."""
    start = time.monotonic()
    while not condition():
        waited = time.monotonic() - start
        if waited > bound:
            pytest.fail(f"still not so after {waited:.1f} s (bound {bound} s)")
        time.sleep(0.1)
    return time.monotonic() - start


def test_what_one_node_creates_the_other_uses_at_once(cluster: Cluster, table: str) -> None:
    first, second = cluster.nodes
    described = client(second, "dynamodb").describe_table(TableName=table)["Table"]
    assert described["TableStatus"] == "ACTIVE"
    client(second, "dynamodb").put_item(TableName=table, Item={"id": {"S": "from-second"}})
    item = client(first, "dynamodb").get_item(TableName=table, Key={"id": {"S": "from-second"}})
    assert item["Item"] == {"id": {"S": "from-second"}}

    name, arn = create_role(first, admin_trust(first), allow(table_arn(first, table), "*"))
    assert client(second, "iam").get_role(RoleName=name)["Role"]["Arn"] == arn
    assert client(second, "iam").list_role_policies(RoleName=name)["PolicyNames"] == ["access"]


def replace_with_indexed_table(dynamodb: Any, name: str) -> None:
    """Delete table `name` and create it again with a global index on `colour`."""
    dynamodb.delete_table(TableName=name)
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "colour", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[index("by-colour", "colour")],
    )


def red_items(dynamodb: Any, name: str) -> list[dict[str, Any]]:
    """The items the `colour` index of `name` holds under "red"."""
    found = dynamodb.query(
        TableName=name,
        IndexName="by-colour",
        KeyConditionExpression="colour = :c",
        ExpressionAttributeValues={":c": {"S": "red"}},
    )
    items: list[dict[str, Any]] = found["Items"]
    return items


def test_a_table_replaced_through_one_node_is_the_one_the_other_writes_to(
    cluster: Cluster,
) -> None:
    """The second node's PutItem is prepared against the table as it last saw it, and
    overwrites unread if that table allows it; the first node has replaced the table since
    with one that has an index, so the put must find out and keep the index too."""
    first, second = (client(node, "dynamodb") for node in cluster.nodes)
    name = create_table(first, "Replaced", ("id", "S"))
    second.put_item(TableName=name, Item={"id": {"S": "before"}})  # seen by the second node

    replace_with_indexed_table(first, name)
    second.put_item(TableName=name, Item={"id": {"S": "after"}, "colour": {"S": "red"}})

    assert red_items(first, name) == [{"id": {"S": "after"}, "colour": {"S": "red"}}]
    assert "Item" not in first.get_item(TableName=name, Key={"id": {"S": "before"}})


def test_a_table_replaced_through_one_node_is_the_one_the_other_deletes_from(
    cluster: Cluster,
) -> None:
    """As for a put: the second node's DeleteItem deletes unread if the table it last saw
    allows it; the replaced table's index entry must go with the item."""
    first, second = (client(node, "dynamodb") for node in cluster.nodes)
    name = create_table(first, "Deleted", ("id", "S"))
    second.put_item(TableName=name, Item={"id": {"S": "seen"}})  # seen by the second node

    replace_with_indexed_table(first, name)
    first.put_item(TableName=name, Item={"id": {"S": "gone"}, "colour": {"S": "red"}})
    second.delete_item(TableName=name, Key={"id": {"S": "gone"}})

    assert red_items(first, name) == []
    assert "Item" not in first.get_item(TableName=name, Key={"id": {"S": "gone"}})


def test_a_write_refused_by_the_table_one_node_last_saw_is_tried_on_the_stored_one(
    cluster: Cluster,
) -> None:
    """The second node last saw the table with a string key, so a numeric key is wrong for
    it; the first node has replaced the table with one keyed by a number, so the same put
    must be decided against the stored table, and succeed. The same put against a table
    still as last seen is refused, with DynamoDB's error."""
    first, second = (client(node, "dynamodb") for node in cluster.nodes)
    name = create_table(first, "Rekeyed", ("id", "S"))
    second.put_item(TableName=name, Item={"id": {"S": "before"}})  # seen by the second node
    with pytest.raises(ClientError) as refused:
        second.put_item(TableName=name, Item={"id": {"N": "1"}})
    assert refused.value.response["Error"]["Code"] == "ValidationException"

    first.delete_table(TableName=name)
    first.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    second.put_item(TableName=name, Item={"id": {"N": "1"}, "v": {"S": "new"}})

    assert first.get_item(TableName=name, Key={"id": {"N": "1"}})["Item"]["v"] == {"S": "new"}


@pytest.mark.parametrize("first_read", ["GetItem", "Query"])
def test_a_table_replaced_through_one_node_is_the_one_the_other_reads(
    cluster: Cluster, first_read: str
) -> None:
    """The second node plans a GetItem or a Query against the table as it last saw it (on
    PostgreSQL its read is made ahead, on the event loop); the first node has replaced the
    table since, so the read must find out and read the new table's items. The first read
    after the replacement is the one that finds out; either may be it."""
    first, second = (client(node, "dynamodb") for node in cluster.nodes)
    name = create_table(first, f"Reread{first_read}", ("id", "S"))
    first.put_item(TableName=name, Item={"id": {"S": "x"}, "v": {"S": "old"}})
    query = {
        "TableName": name,
        "KeyConditionExpression": "id = :x",
        "ExpressionAttributeValues": {":x": {"S": "x"}},
        "Limit": 5,  # a small page: read ahead
    }
    assert second.get_item(TableName=name, Key={"id": {"S": "x"}})["Item"]["v"] == {"S": "old"}
    assert second.query(**query)["Items"][0]["v"] == {"S": "old"}

    replace_with_indexed_table(first, name)
    first.put_item(TableName=name, Item={"id": {"S": "x"}, "v": {"S": "new"}})

    reads = {
        "GetItem": lambda: [second.get_item(TableName=name, Key={"id": {"S": "x"}})["Item"]],
        "Query": lambda: second.query(**query)["Items"],
    }
    for operation in sorted(reads, key=lambda op: op != first_read):
        assert reads[operation]() == [{"id": {"S": "x"}, "v": {"S": "new"}}], operation


def test_credentials_minted_by_either_node_work_on_both(cluster: Cluster, table: str) -> None:
    """Session tokens are sealed with the keyring kept in the database: a token sealed by
    one node opens on the other."""
    first = cluster.nodes[0]
    arn = table_arn(first, table)
    _, role_arn = create_role(first, admin_trust(first), allow(arn, "dynamodb:GetItem"))
    for n, minting in enumerate(cluster.nodes):
        credentials = assume(minting, role_arn, f"minted-by-{n}")
        for using in cluster.nodes:
            identity = session_client(using, "sts", credentials).get_caller_identity()
            assert identity["Arn"].endswith(f"/minted-by-{n}")
            assert get_is_allowed(session_client(using, "dynamodb", credentials), table)


def registered_provider(node: ServerProcess, idp: OidcProvider) -> str:
    """The ARN of the IAM OIDC provider for `idp`, registered through `node` if need be."""
    iam = client(node, "iam")
    try:
        arn = iam.create_open_id_connect_provider(Url=idp.issuer, ClientIDList=[CLIENT_ID])
    except iam.exceptions.EntityAlreadyExistsException:
        host = idp.issuer.split("://", 1)[1]
        return f"arn:aws:iam::{node.account_id}:oidc-provider/{host}"
    return str(arn["OpenIDConnectProviderArn"])


def web_identity_trust(provider_arn: str, idp: OidcProvider, client_id: str = CLIENT_ID) -> str:
    audience_key = idp.issuer.split("://", 1)[1] + ":aud"
    return policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {audience_key: client_id}},
        }
    )


def unsigned_sts(node: ServerProcess) -> Any:
    return boto3.session.Session().client(
        "sts",
        endpoint_url=node.endpoint,
        region_name=node.region,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


def test_web_identity_through_a_provider_registered_on_the_other_node(
    cluster: Cluster, table: str, idp: OidcProvider
) -> None:
    first, second = cluster.nodes
    trust = web_identity_trust(registered_provider(first, idp), idp)
    _, role_arn = create_role(first, trust, allow(table_arn(first, table), "dynamodb:GetItem"))
    answer = unsigned_sts(second).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="web", WebIdentityToken=idp.id_token("wendy")
    )
    assert answer["SubjectFromWebIdentityToken"] == "wendy"
    assert get_is_allowed(session_client(first, "dynamodb", answer["Credentials"]), table)


def test_a_trust_policy_changed_through_one_node_governs_the_other_within_the_ttl(
    cluster: Cluster, table: str, idp: OidcProvider
) -> None:
    """Each node keeps the roles STS assumes for the role cache's TTL (docs/scale-out.md)."""
    first, second = cluster.nodes
    provider_arn = registered_provider(first, idp)
    name, role_arn = create_role(
        first, web_identity_trust(provider_arn, idp), allow(table_arn(first, table), "*")
    )
    sts = unsigned_sts(second)

    def exchange_is_allowed() -> bool:
        try:
            sts.assume_role_with_web_identity(
                RoleArn=role_arn, RoleSessionName="kept", WebIdentityToken=idp.id_token("kim")
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "AccessDenied":
                raise
            return False
        return True

    assert exchange_is_allowed()  # the second node now keeps the role
    iam = client(first, "iam")
    other_client = web_identity_trust(provider_arn, idp, client_id="another-app")
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=other_client)
    waited = seconds_until(lambda: not exchange_is_allowed(), PROPAGATION_BOUND)
    print(f"the refusing trust policy reached the other node after {waited:.2f} s")
    iam.update_assume_role_policy(
        RoleName=name, PolicyDocument=web_identity_trust(provider_arn, idp)
    )
    waited = seconds_until(exchange_is_allowed, PROPAGATION_BOUND)
    print(f"the granting trust policy reached the other node after {waited:.2f} s")


def test_an_iam_change_through_one_node_reaches_the_other_within_the_ttl(
    cluster: Cluster, table: str
) -> None:
    first, second = cluster.nodes
    arn = table_arn(first, table)
    name, role_arn = create_role(
        first, admin_trust(first), allow(arn, "dynamodb:GetItem", "dynamodb:PutItem")
    )
    dynamodb = session_client(second, "dynamodb", assume(first, role_arn, "propagation"))
    assert get_is_allowed(dynamodb, table)  # the second node now holds the role's policies

    def put_policy(*actions: str) -> None:
        client(first, "iam").put_role_policy(
            RoleName=name, PolicyName="access", PolicyDocument=policy(allow(arn, *actions))
        )

    put_policy("dynamodb:PutItem")  # GetItem is no longer allowed
    waited = seconds_until(lambda: not get_is_allowed(dynamodb, table), PROPAGATION_BOUND)
    print(f"removal reached the other node after {waited:.2f} s")
    dynamodb.put_item(TableName=table, Item={"id": {"S": "still-allowed"}})

    put_policy("dynamodb:GetItem", "dynamodb:PutItem")
    waited = seconds_until(lambda: get_is_allowed(dynamodb, table), PROPAGATION_BOUND)
    print(f"grant reached the other node after {waited:.2f} s")


def test_deleting_a_role_through_one_node_denies_its_sessions_on_the_other(
    cluster: Cluster, table: str
) -> None:
    first, second = cluster.nodes
    name, role_arn = create_role(
        first, admin_trust(first), allow(table_arn(first, table), "dynamodb:GetItem")
    )
    dynamodb = session_client(second, "dynamodb", assume(second, role_arn, "doomed"))
    assert get_is_allowed(dynamodb, table)
    iam = client(first, "iam")
    iam.delete_role_policy(RoleName=name, PolicyName="access")
    iam.delete_role(RoleName=name)
    seconds_until(lambda: not get_is_allowed(dynamodb, table), PROPAGATION_BOUND)


def test_a_users_federated_session_from_one_node_follows_the_user_on_the_other(
    cluster: Cluster, table: str
) -> None:
    """GetFederationToken on one node: the credentials work on the other, and a policy
    taken from the user through the other node is taken from the session there too."""
    first, second = cluster.nodes
    iam = client(first, "iam")
    name = f"Shared-{uuid.uuid4().hex[:10]}"
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="access",
        PolicyDocument=policy(
            allow(table_arn(first, table), "dynamodb:GetItem"),
            {"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"},
        ),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    sts = client(first, "sts", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    token = sts.get_federation_token(Name="Roaming", Policy=policy(allow("*", "dynamodb:*")))
    dynamodb = session_client(second, "dynamodb", token["Credentials"])
    assert get_is_allowed(dynamodb, table)
    client(second, "iam").delete_user_policy(UserName=name, PolicyName="access")
    seconds_until(lambda: not get_is_allowed(dynamodb, table), PROPAGATION_BOUND)


def test_an_inactive_then_deleted_user_key_is_refused_on_both_nodes(
    cluster: Cluster, table: str
) -> None:
    """A key switched off, then deleted, through one node stops working on every node within
    the user-key cache's bound (`iam.user_keys.DEFAULT_TTL_SECONDS`)."""
    first, second = cluster.nodes
    iam = client(first, "iam")
    name = f"Shared-{uuid.uuid4().hex[:10]}"
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="access",
        PolicyDocument=policy(allow(table_arn(first, table), "dynamodb:GetItem")),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    clients = [
        client(node, "dynamodb", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
        for node in cluster.nodes
    ]
    assert all(key_works(dynamodb, table) for dynamodb in clients)

    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    for dynamodb in clients:
        seconds_until(lambda d=dynamodb: not key_works(d, table), KEY_PROPAGATION_BOUND)

    client(second, "iam").update_access_key(
        UserName=name, AccessKeyId=key["AccessKeyId"], Status="Active"
    )
    for dynamodb in clients:
        seconds_until(lambda d=dynamodb: key_works(d, table), KEY_PROPAGATION_BOUND)

    client(second, "iam").delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for dynamodb in clients:
        seconds_until(lambda d=dynamodb: not key_works(d, table), KEY_PROPAGATION_BOUND)


def key_works(dynamodb: Any, table: str) -> bool:
    """Whether a request signed with the key is served (False: the key is refused)."""
    try:
        dynamodb.get_item(TableName=table, Key={"id": {"S": "probe"}})
    except ClientError as error:
        if error.response["Error"]["Code"] != "UnrecognizedClientException":
            raise
        return False
    return True


def test_both_nodes_kept_serving(cluster: Cluster) -> None:
    for node in cluster.nodes:
        assert node.process.poll() is None
        assert not any("Traceback" in line for line in node.output)
