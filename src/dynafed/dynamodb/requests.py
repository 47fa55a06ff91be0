"""What each DynamoDB operation's request holds, as types. Generated: do not edit.

Written by `scripts/generate_request_types.py` from botocore's `dynamodb` model (the model
the validator checks requests against), for the operations dynafed serves. A request that
passed `validation.validate_request` has exactly this shape: nulls and unknown members are
gone. Binary values stay base64 text, as on the wire. (No `from __future__ import
annotations`: TypedDict must see `Required` when the class is made.)
"""

from typing import Required, TypedDict

from dynafed.dynamodb.values import AttributeValue


class BatchStatementRequest(TypedDict, total=False):
    Statement: Required[str]
    Parameters: list[AttributeValue]
    ConsistentRead: bool
    ReturnValuesOnConditionCheckFailure: str


class BatchExecuteStatementInput(TypedDict, total=False):
    Statements: Required[list[BatchStatementRequest]]
    ReturnConsumedCapacity: str


class KeysAndAttributes(TypedDict, total=False):
    Keys: Required[list[dict[str, AttributeValue]]]
    AttributesToGet: list[str]
    ConsistentRead: bool
    ProjectionExpression: str
    ExpressionAttributeNames: dict[str, str]


class BatchGetItemInput(TypedDict, total=False):
    RequestItems: Required[dict[str, KeysAndAttributes]]
    ReturnConsumedCapacity: str


class PutRequest(TypedDict, total=False):
    Item: Required[dict[str, AttributeValue]]


class DeleteRequest(TypedDict, total=False):
    Key: Required[dict[str, AttributeValue]]


class WriteRequest(TypedDict, total=False):
    PutRequest: PutRequest
    DeleteRequest: DeleteRequest


class BatchWriteItemInput(TypedDict, total=False):
    RequestItems: Required[dict[str, list[WriteRequest]]]
    ReturnConsumedCapacity: str
    ReturnItemCollectionMetrics: str


class CreateBackupInput(TypedDict, total=False):
    TableName: Required[str]
    BackupName: Required[str]


class AttributeDefinition(TypedDict, total=False):
    AttributeName: Required[str]
    AttributeType: Required[str]


class KeySchemaElement(TypedDict, total=False):
    AttributeName: Required[str]
    KeyType: Required[str]


class Projection(TypedDict, total=False):
    ProjectionType: str
    NonKeyAttributes: list[str]


class LocalSecondaryIndex(TypedDict, total=False):
    IndexName: Required[str]
    KeySchema: Required[list[KeySchemaElement]]
    Projection: Required[Projection]


class ProvisionedThroughput(TypedDict, total=False):
    ReadCapacityUnits: Required[int]
    WriteCapacityUnits: Required[int]


class OnDemandThroughput(TypedDict, total=False):
    MaxReadRequestUnits: int
    MaxWriteRequestUnits: int


class WarmThroughput(TypedDict, total=False):
    ReadUnitsPerSecond: int
    WriteUnitsPerSecond: int


class GlobalSecondaryIndex(TypedDict, total=False):
    IndexName: Required[str]
    KeySchema: Required[list[KeySchemaElement]]
    Projection: Required[Projection]
    ProvisionedThroughput: ProvisionedThroughput
    OnDemandThroughput: OnDemandThroughput
    WarmThroughput: WarmThroughput


class StreamSpecification(TypedDict, total=False):
    StreamEnabled: Required[bool]
    StreamViewType: str


class SSESpecification(TypedDict, total=False):
    Enabled: bool
    SSEType: str
    KMSMasterKeyId: str


class Tag(TypedDict, total=False):
    Key: Required[str]
    Value: Required[str]


class CreateTableInput(TypedDict, total=False):
    AttributeDefinitions: list[AttributeDefinition]
    TableName: Required[str]
    KeySchema: list[KeySchemaElement]
    LocalSecondaryIndexes: list[LocalSecondaryIndex]
    GlobalSecondaryIndexes: list[GlobalSecondaryIndex]
    BillingMode: str
    ProvisionedThroughput: ProvisionedThroughput
    StreamSpecification: StreamSpecification
    SSESpecification: SSESpecification
    Tags: list[Tag]
    TableClass: str
    DeletionProtectionEnabled: bool
    WarmThroughput: WarmThroughput
    ResourcePolicy: str
    OnDemandThroughput: OnDemandThroughput
    GlobalTableSourceArn: str
    GlobalTableSettingsReplicationMode: str


class DeleteBackupInput(TypedDict, total=False):
    BackupArn: Required[str]


class ExpectedAttributeValue(TypedDict, total=False):
    Value: AttributeValue
    Exists: bool
    ComparisonOperator: str
    AttributeValueList: list[AttributeValue]


class DeleteItemInput(TypedDict, total=False):
    TableName: Required[str]
    Key: Required[dict[str, AttributeValue]]
    Expected: dict[str, ExpectedAttributeValue]
    ConditionalOperator: str
    ReturnValues: str
    ReturnConsumedCapacity: str
    ReturnItemCollectionMetrics: str
    ConditionExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]
    ReturnValuesOnConditionCheckFailure: str


class DeleteTableInput(TypedDict, total=False):
    TableName: Required[str]


class DescribeBackupInput(TypedDict, total=False):
    BackupArn: Required[str]


class DescribeContinuousBackupsInput(TypedDict, total=False):
    TableName: Required[str]


class DescribeEndpointsRequest(TypedDict, total=False):
    pass


class DescribeTableInput(TypedDict, total=False):
    TableName: Required[str]


class DescribeTimeToLiveInput(TypedDict, total=False):
    TableName: Required[str]


class ExecuteStatementInput(TypedDict, total=False):
    Statement: Required[str]
    Parameters: list[AttributeValue]
    ConsistentRead: bool
    NextToken: str
    ReturnConsumedCapacity: str
    Limit: int
    ReturnValuesOnConditionCheckFailure: str


class ParameterizedStatement(TypedDict, total=False):
    Statement: Required[str]
    Parameters: list[AttributeValue]
    ReturnValuesOnConditionCheckFailure: str


class ExecuteTransactionInput(TypedDict, total=False):
    TransactStatements: Required[list[ParameterizedStatement]]
    ClientRequestToken: str
    ReturnConsumedCapacity: str


class GetItemInput(TypedDict, total=False):
    TableName: Required[str]
    Key: Required[dict[str, AttributeValue]]
    AttributesToGet: list[str]
    ConsistentRead: bool
    ReturnConsumedCapacity: str
    ProjectionExpression: str
    ExpressionAttributeNames: dict[str, str]


class ListBackupsInput(TypedDict, total=False):
    TableName: str
    Limit: int
    TimeRangeLowerBound: object
    TimeRangeUpperBound: object
    ExclusiveStartBackupArn: str
    BackupType: str


class ListTablesInput(TypedDict, total=False):
    ExclusiveStartTableName: str
    Limit: int


class ListTagsOfResourceInput(TypedDict, total=False):
    ResourceArn: Required[str]
    NextToken: str


class PutItemInput(TypedDict, total=False):
    TableName: Required[str]
    Item: Required[dict[str, AttributeValue]]
    Expected: dict[str, ExpectedAttributeValue]
    ReturnValues: str
    ReturnConsumedCapacity: str
    ReturnItemCollectionMetrics: str
    ConditionalOperator: str
    ConditionExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]
    ReturnValuesOnConditionCheckFailure: str


class Condition(TypedDict, total=False):
    AttributeValueList: list[AttributeValue]
    ComparisonOperator: Required[str]


class QueryInput(TypedDict, total=False):
    TableName: Required[str]
    IndexName: str
    Select: str
    AttributesToGet: list[str]
    Limit: int
    ConsistentRead: bool
    KeyConditions: dict[str, Condition]
    QueryFilter: dict[str, Condition]
    ConditionalOperator: str
    ScanIndexForward: bool
    ExclusiveStartKey: dict[str, AttributeValue]
    ReturnConsumedCapacity: str
    ProjectionExpression: str
    FilterExpression: str
    KeyConditionExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]


class RestoreTableFromBackupInput(TypedDict, total=False):
    TargetTableName: Required[str]
    BackupArn: Required[str]
    BillingModeOverride: str
    GlobalSecondaryIndexOverride: list[GlobalSecondaryIndex]
    LocalSecondaryIndexOverride: list[LocalSecondaryIndex]
    ProvisionedThroughputOverride: ProvisionedThroughput
    OnDemandThroughputOverride: OnDemandThroughput
    SSESpecificationOverride: SSESpecification


class RestoreTableToPointInTimeInput(TypedDict, total=False):
    SourceTableArn: str
    SourceTableName: str
    TargetTableName: Required[str]
    UseLatestRestorableTime: bool
    RestoreDateTime: object
    BillingModeOverride: str
    GlobalSecondaryIndexOverride: list[GlobalSecondaryIndex]
    LocalSecondaryIndexOverride: list[LocalSecondaryIndex]
    ProvisionedThroughputOverride: ProvisionedThroughput
    OnDemandThroughputOverride: OnDemandThroughput
    SSESpecificationOverride: SSESpecification


class ScanInput(TypedDict, total=False):
    TableName: Required[str]
    IndexName: str
    AttributesToGet: list[str]
    Limit: int
    Select: str
    ScanFilter: dict[str, Condition]
    ConditionalOperator: str
    ExclusiveStartKey: dict[str, AttributeValue]
    ReturnConsumedCapacity: str
    TotalSegments: int
    Segment: int
    ProjectionExpression: str
    FilterExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]
    ConsistentRead: bool


class TagResourceInput(TypedDict, total=False):
    ResourceArn: Required[str]
    Tags: Required[list[Tag]]


class Get(TypedDict, total=False):
    Key: Required[dict[str, AttributeValue]]
    TableName: Required[str]
    ProjectionExpression: str
    ExpressionAttributeNames: dict[str, str]


class TransactGetItem(TypedDict, total=False):
    Get: Required[Get]


class TransactGetItemsInput(TypedDict, total=False):
    TransactItems: Required[list[TransactGetItem]]
    ReturnConsumedCapacity: str


class ConditionCheck(TypedDict, total=False):
    Key: Required[dict[str, AttributeValue]]
    TableName: Required[str]
    ConditionExpression: Required[str]
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]
    ReturnValuesOnConditionCheckFailure: str


class Put(TypedDict, total=False):
    Item: Required[dict[str, AttributeValue]]
    TableName: Required[str]
    ConditionExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]
    ReturnValuesOnConditionCheckFailure: str


class Delete(TypedDict, total=False):
    Key: Required[dict[str, AttributeValue]]
    TableName: Required[str]
    ConditionExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]
    ReturnValuesOnConditionCheckFailure: str


class Update(TypedDict, total=False):
    Key: Required[dict[str, AttributeValue]]
    UpdateExpression: Required[str]
    TableName: Required[str]
    ConditionExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]
    ReturnValuesOnConditionCheckFailure: str


class TransactWriteItem(TypedDict, total=False):
    ConditionCheck: ConditionCheck
    Put: Put
    Delete: Delete
    Update: Update


class TransactWriteItemsInput(TypedDict, total=False):
    TransactItems: Required[list[TransactWriteItem]]
    ReturnConsumedCapacity: str
    ReturnItemCollectionMetrics: str
    ClientRequestToken: str


class UntagResourceInput(TypedDict, total=False):
    ResourceArn: Required[str]
    TagKeys: Required[list[str]]


class PointInTimeRecoverySpecification(TypedDict, total=False):
    PointInTimeRecoveryEnabled: Required[bool]
    RecoveryPeriodInDays: int


class UpdateContinuousBackupsInput(TypedDict, total=False):
    TableName: Required[str]
    PointInTimeRecoverySpecification: Required[PointInTimeRecoverySpecification]


class AttributeValueUpdate(TypedDict, total=False):
    Value: AttributeValue
    Action: str


class UpdateItemInput(TypedDict, total=False):
    TableName: Required[str]
    Key: Required[dict[str, AttributeValue]]
    AttributeUpdates: dict[str, AttributeValueUpdate]
    Expected: dict[str, ExpectedAttributeValue]
    ConditionalOperator: str
    ReturnValues: str
    ReturnConsumedCapacity: str
    ReturnItemCollectionMetrics: str
    UpdateExpression: str
    ConditionExpression: str
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]
    ReturnValuesOnConditionCheckFailure: str


class UpdateGlobalSecondaryIndexAction(TypedDict, total=False):
    IndexName: Required[str]
    ProvisionedThroughput: ProvisionedThroughput
    OnDemandThroughput: OnDemandThroughput
    WarmThroughput: WarmThroughput


class CreateGlobalSecondaryIndexAction(TypedDict, total=False):
    IndexName: Required[str]
    KeySchema: Required[list[KeySchemaElement]]
    Projection: Required[Projection]
    ProvisionedThroughput: ProvisionedThroughput
    OnDemandThroughput: OnDemandThroughput
    WarmThroughput: WarmThroughput


class DeleteGlobalSecondaryIndexAction(TypedDict, total=False):
    IndexName: Required[str]


class GlobalSecondaryIndexUpdate(TypedDict, total=False):
    Update: UpdateGlobalSecondaryIndexAction
    Create: CreateGlobalSecondaryIndexAction
    Delete: DeleteGlobalSecondaryIndexAction


class ProvisionedThroughputOverride(TypedDict, total=False):
    ReadCapacityUnits: int


class OnDemandThroughputOverride(TypedDict, total=False):
    MaxReadRequestUnits: int


class ReplicaGlobalSecondaryIndex(TypedDict, total=False):
    IndexName: Required[str]
    ProvisionedThroughputOverride: ProvisionedThroughputOverride
    OnDemandThroughputOverride: OnDemandThroughputOverride


class CreateReplicationGroupMemberAction(TypedDict, total=False):
    RegionName: Required[str]
    KMSMasterKeyId: str
    ProvisionedThroughputOverride: ProvisionedThroughputOverride
    OnDemandThroughputOverride: OnDemandThroughputOverride
    GlobalSecondaryIndexes: list[ReplicaGlobalSecondaryIndex]
    TableClassOverride: str


class UpdateReplicationGroupMemberAction(TypedDict, total=False):
    RegionName: Required[str]
    KMSMasterKeyId: str
    ProvisionedThroughputOverride: ProvisionedThroughputOverride
    OnDemandThroughputOverride: OnDemandThroughputOverride
    GlobalSecondaryIndexes: list[ReplicaGlobalSecondaryIndex]
    TableClassOverride: str


class DeleteReplicationGroupMemberAction(TypedDict, total=False):
    RegionName: Required[str]


class ReplicationGroupUpdate(TypedDict, total=False):
    Create: CreateReplicationGroupMemberAction
    Update: UpdateReplicationGroupMemberAction
    Delete: DeleteReplicationGroupMemberAction


class CreateGlobalTableWitnessGroupMemberAction(TypedDict, total=False):
    RegionName: Required[str]


class DeleteGlobalTableWitnessGroupMemberAction(TypedDict, total=False):
    RegionName: Required[str]


class GlobalTableWitnessGroupUpdate(TypedDict, total=False):
    Create: CreateGlobalTableWitnessGroupMemberAction
    Delete: DeleteGlobalTableWitnessGroupMemberAction


class UpdateTableInput(TypedDict, total=False):
    AttributeDefinitions: list[AttributeDefinition]
    TableName: Required[str]
    BillingMode: str
    ProvisionedThroughput: ProvisionedThroughput
    GlobalSecondaryIndexUpdates: list[GlobalSecondaryIndexUpdate]
    StreamSpecification: StreamSpecification
    SSESpecification: SSESpecification
    ReplicaUpdates: list[ReplicationGroupUpdate]
    TableClass: str
    DeletionProtectionEnabled: bool
    MultiRegionConsistency: str
    GlobalTableWitnessUpdates: list[GlobalTableWitnessGroupUpdate]
    OnDemandThroughput: OnDemandThroughput
    WarmThroughput: WarmThroughput
    GlobalTableSettingsReplicationMode: str


class TimeToLiveSpecification(TypedDict, total=False):
    Enabled: Required[bool]
    AttributeName: Required[str]


class UpdateTimeToLiveInput(TypedDict, total=False):
    TableName: Required[str]
    TimeToLiveSpecification: Required[TimeToLiveSpecification]
