package io.datamart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.events.OutboundEvent;
import io.datamart.local.TemplateModel;
import io.datamart.local.TemplateModel.FunctionDefinition;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.provisioning.ProvisioningMessages;
import io.datamart.provisioning.ProvisioningOperation;
import io.datamart.provisioning.ProvisioningPipeline;
import io.datamart.testing.Template;
import io.datamart.testing.TemplateFunctions;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * template.yaml, read as data: event-driven provisioning (event bus, FIFO queue and the
 * functions behind them), change events from the datamarts stream, the dead-letter
 * queues and their alarms, and what producers are allowed.
 */
class EventDrivenTemplateTest {
    private static final TemplateModel TEMPLATE = Template.load();
    private static final String BUS = "DatamartEventBus";
    private static final String QUEUE = "ProvisioningQueue";
    /** The role tag that makes a role a producer, and names it in its requests' source. */
    private static final String PRODUCER_TAG = "datamart-producer";
    private static final String TOPIC = "OperationsAlarmTopic";
    private static final String MAX_RECEIVE_COUNT_VARIABLE = "PROVISIONING_MAX_RECEIVE_COUNT";
    private static final Set<String> DEAD_LETTER_QUEUES = Set.of("ProvisioningDeadLetterQueue",
            "ProvisioningForwardingDeadLetterQueue", "ChangeEventsDeadLetterQueue");
    private static final int FOURTEEN_DAYS = 14 * 24 * 60 * 60;

    /** The functions driven by queues, rules and streams rather than by the HTTP API. */
    enum EventFn {
        PROVISION("ProvisionDatamartsFunction", "provision-datamarts", "provision.ProvisionDatamartsHandler"),
        FORWARD("ForwardProvisioningEventsFunction", "forward-provisioning-events",
                "forward.ForwardProvisioningEventsHandler"),
        PUBLISH("PublishDatamartChangesFunction", "publish-datamart-changes", "changes.PublishDatamartChangesHandler");

        final String id;
        final String module;
        final String handler;

        EventFn(String id, String module, String handlerClass) {
            this.id = id;
            this.module = module;
            this.handler = "io.datamart.functions." + handlerClass + "::handleRequest";
        }
    }

    static JsonNode properties(String id) {
        return TEMPLATE.resource(id).path("Properties");
    }

    static JsonNode function(EventFn fn) {
        return TemplateFunctions.function(fn.id);
    }

    static JsonNode property(EventFn fn, String name) {
        return TemplateFunctions.property(fn.id, name);
    }

    static Map<String, JsonNode> environment(EventFn fn) {
        return TemplateFunctions.environment(fn.id);
    }

    static List<JsonNode> asList(JsonNode node) {
        return TemplateFunctions.asList(node);
    }

    /** The logical id {@code node} names as {@code Fn::GetAtt: [Id, attribute]}; null otherwise. */
    static String getAtt(JsonNode node, String attribute) {
        JsonNode getAtt = node.path("Fn::GetAtt");
        return getAtt.isArray() && getAtt.size() == 2 && attribute.equals(getAtt.get(1).asText())
                ? getAtt.get(0).asText() : null;
    }

    /** The logical id {@code node} names as {@code Ref: Id}; null otherwise. */
    static String ref(JsonNode node) {
        return node.isObject() && node.size() == 1 && node.has("Ref") ? node.get("Ref").asText() : null;
    }

    /** "Id" for {@code GetAtt [Id, Arn]}, "Id.Attribute" for another attribute, else the node as written. */
    static String resourceKey(JsonNode resource) {
        JsonNode getAtt = resource.path("Fn::GetAtt");
        if (getAtt.isArray() && getAtt.size() == 2) {
            String attribute = getAtt.get(1).asText();
            return getAtt.get(0).asText() + ("Arn".equals(attribute) ? "" : "." + attribute);
        }
        return resource.toString();
    }

    /** The statements of a function's inline policy documents; anything else (SAM templates, ARNs) fails. */
    static List<JsonNode> statements(EventFn fn) {
        List<JsonNode> statements = new ArrayList<>();
        JsonNode policies = function(fn).path("Properties").path("Policies");
        assertTrue(policies.isArray() && !policies.isEmpty(), fn.id + " has inline policies");
        for (JsonNode policy : policies) {
            assertTrue(policy.isObject() && policy.has("Statement"),
                    () -> fn.id + " uses only inline policy documents, not " + policy);
            policy.path("Statement").forEach(statements::add);
        }
        return statements;
    }

    /** The actions granted on each resource (see {@link #resourceKey}). */
    static Map<String, Set<String>> grants(List<JsonNode> statements) {
        Map<String, Set<String>> grants = new LinkedHashMap<>();
        for (JsonNode statement : statements) {
            assertEquals("Allow", statement.path("Effect").asText(), statement::toString);
            for (JsonNode resource : asList(statement.path("Resource"))) {
                Set<String> actions = grants.computeIfAbsent(resourceKey(resource), key -> new HashSet<>());
                asList(statement.path("Action")).forEach(action -> actions.add(action.asText()));
            }
        }
        return grants;
    }

    /** Calls {@code visit} with every object in the template and the key it sits under. */
    static void walk(String key, JsonNode node, BiConsumer<String, JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(key, node);
            node.fields().forEachRemaining(field -> walk(field.getKey(), field.getValue(), visit));
        } else if (node.isArray()) {
            node.forEach(element -> walk(key, element, visit));
        }
    }

    /**
     * Every queue something hands what it gave up on: SQS redrive targets, rule dead-letter
     * queues, and Lambda and event source mapping on-failure destinations.
     */
    static Set<String> deadLetterTargets() {
        Set<String> targets = new HashSet<>();
        walk("", TEMPLATE.root().path("Resources"), (key, node) -> {
            List<JsonNode> arns = new ArrayList<>();
            if (node.has("deadLetterTargetArn")) {
                arns.add(node.get("deadLetterTargetArn"));
            }
            if ("DeadLetterConfig".equals(key)) {
                arns.add(node.path("Arn"));
            }
            if ("OnFailure".equals(key)) {
                arns.add(node.path("Destination"));
            }
            for (JsonNode arn : arns) {
                String queue = getAtt(arn, "Arn");
                assertNotNull(queue, () -> "a dead-letter target by GetAtt Arn, not " + arn);
                targets.add(queue);
            }
        });
        return targets;
    }

    // ---------------------------------------------------------------------------------------------
    // Provisioning queue
    // ---------------------------------------------------------------------------------------------

    @Test
    void queuesProvisioningRequestsInOrderPerDatamartOnAHighThroughputFifoQueue() {
        JsonNode queue = properties(QUEUE);
        assertEquals("AWS::SQS::Queue", TEMPLATE.resource(QUEUE).path("Type").asText());
        assertTrue(queue.path("FifoQueue").asBoolean(), "FIFO");
        assertFalse(queue.path("ContentBasedDeduplication").asBoolean(),
                "a request repeated on purpose is not dropped as a duplicate of an earlier one");
        assertEquals("messageGroup", queue.path("DeduplicationScope").asText());
        assertEquals("perMessageGroupId", queue.path("FifoThroughputLimit").asText());
        assertTrue(queue.path("SqsManagedSseEnabled").asBoolean(), "encrypted at rest");
        assertTrue(queue.path("QueueName").path("Fn::Sub").asText().endsWith(".fifo"),
                () -> "a FIFO queue's name ends in .fifo: " + queue.path("QueueName"));
    }

    @Test
    void countsTriesInTheFunctionAndKeepsTheQueuesReceiveCountAsAHighBackstop() {
        Map<String, JsonNode> variables = environment(EventFn.PROVISION);
        int tries = Integer.parseInt(variables.get(ProvisioningPipeline.MAX_TRIES_VARIABLE).asText());
        int backstop = properties(QUEUE).path("RedrivePolicy").path("maxReceiveCount").asInt();
        assertTrue(tries >= 2 && tries <= 10, () -> "tries: " + tries);
        int retryingSeconds = java.util.stream.IntStream.range(1, tries)
                .map(ProvisioningPipeline::backoffSeconds).sum();
        assertTrue(retryingSeconds >= 15 * 60, () -> "a passing outage of a quarter of an hour parks nothing: "
                + retryingSeconds + " s");
        // A request may be received while held behind each earlier request of its datamart
        // using its tries; the backstop must leave room for that.
        assertTrue(backstop >= 10 * tries, () -> "backstop " + backstop + " for " + tries + " tries");
        assertEquals("ProvisioningAttemptsTable",
                ref(variables.get(io.datamart.persistence.ProvisioningAttemptRepository.TABLE_VARIABLE)));
        assertEquals("ParkedDatamartsTable",
                ref(variables.get(io.datamart.persistence.ParkedDatamartRepository.TABLE_VARIABLE)));
        assertEquals(QUEUE, ref(variables.get(io.datamart.provisioning.ProvisioningQueue.QUEUE_URL_VARIABLE)));
        assertEquals("ProvisioningDeadLetterQueue",
                ref(variables.get(io.datamart.provisioning.ProvisioningQueue.DEAD_LETTER_QUEUE_URL_VARIABLE)));
        assertEquals(EventFn.PROVISION.id + "Role", getAtt(variables.get(ProvisioningPipeline.PROVISIONER_VARIABLE),
                "RoleId"), "the function's own role: what SQS stamps on what it dead-letters");
        JsonNode attempts = properties("ProvisioningAttemptsTable");
        assertEquals("expiresAt", attempts.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(attempts.path("TimeToLiveSpecification").path("Enabled").asBoolean());
        JsonNode parked = TEMPLATE.resource("ParkedDatamartsTable");
        assertEquals("Retain", parked.path("DeletionPolicy").asText(), "operators' records");
        assertTrue(parked.path("Properties").path("PointInTimeRecoverySpecification")
                .path("PointInTimeRecoveryEnabled").asBoolean());
    }

    @Test
    void deadLettersARequestAfterTheReceiveTheFunctionTreatsAsItsLast() {
        JsonNode redrive = properties(QUEUE).path("RedrivePolicy");
        assertEquals("ProvisioningDeadLetterQueue", getAtt(redrive.path("deadLetterTargetArn"), "Arn"));
        JsonNode maxReceiveCount = redrive.path("maxReceiveCount");
        assertTrue(maxReceiveCount.isInt() && maxReceiveCount.asInt() > 1, () -> "retried: " + maxReceiveCount);
        JsonNode variable = environment(EventFn.PROVISION).get(MAX_RECEIVE_COUNT_VARIABLE);
        assertNotNull(variable, MAX_RECEIVE_COUNT_VARIABLE);
        assertTrue(variable.isTextual() && variable.asText().matches("\\d+"),
                () -> "a whole number as a string: " + variable);
        assertEquals(maxReceiveCount.asInt(), Integer.parseInt(variable.asText()),
                "the function publishes the final failure on the queue's last receive");
    }

    @Test
    void keepsTheProvisioningDeadLetterQueueFifoEncryptedAndForFourteenDays() {
        JsonNode queue = properties("ProvisioningDeadLetterQueue");
        assertTrue(queue.path("FifoQueue").asBoolean(), "a FIFO queue's dead-letter queue must be FIFO");
        assertTrue(queue.path("QueueName").path("Fn::Sub").asText().endsWith(".fifo"), queue::toString);
        assertTrue(queue.path("SqsManagedSseEnabled").asBoolean(), "encrypted at rest");
        assertEquals(FOURTEEN_DAYS, queue.path("MessageRetentionPeriod").asInt());
    }

    @Test
    void hidesABatchBeingProvisionedForAtLeastSixTimesTheFunctionTimeout() {
        int timeout = property(EventFn.PROVISION, "Timeout").asInt();
        assertTrue(timeout > 0, "a timeout");
        int visibility = properties(QUEUE).path("VisibilityTimeout").asInt();
        assertTrue(visibility >= 6 * timeout,
                () -> "visibility timeout " + visibility + " s, function timeout " + timeout + " s");
    }

    // ---------------------------------------------------------------------------------------------
    // Event sources
    // ---------------------------------------------------------------------------------------------

    @Test
    void readsTheProvisioningQueueThroughTheAliasReportingFailedItemsWithBoundedConcurrency() {
        JsonNode mapping = properties("ProvisioningQueueEventSource");
        assertEquals("AWS::Lambda::EventSourceMapping",
                TEMPLATE.resource("ProvisioningQueueEventSource").path("Type").asText());
        assertEquals(QUEUE, getAtt(mapping.path("EventSourceArn"), "Arn"));
        assertEquals(EventFn.PROVISION.id + ".Alias", ref(mapping.path("FunctionName")),
                "the SnapStart alias, not $LATEST");
        assertEquals(10, mapping.path("BatchSize").asInt());
        assertEquals(List.of("ReportBatchItemFailures"), asList(mapping.path("FunctionResponseTypes")).stream()
                .map(JsonNode::asText).toList());
        int concurrency = mapping.path("ScalingConfig").path("MaximumConcurrency").asInt();
        assertTrue(concurrency >= 2 && concurrency <= 10, () -> "bounded DynamoDB write pressure: " + concurrency);
        int reserved = TemplateTest.reservedConcurrency(EventFn.PROVISION.id).asInt();
        assertTrue(reserved >= concurrency, () -> "reserved " + reserved + " < the mapping's " + concurrency
                + ": Lambda would throttle the queue's pollers");
    }

    @Test
    void readsTheDatamartsStreamFromItsStartThroughTheAliasWithBoundedRetries() {
        JsonNode mapping = properties("DatamartChangesEventSource");
        assertEquals("AWS::Lambda::EventSourceMapping",
                TEMPLATE.resource("DatamartChangesEventSource").path("Type").asText());
        assertEquals("DatamartsTable", getAtt(mapping.path("EventSourceArn"), "StreamArn"));
        assertEquals(EventFn.PUBLISH.id + ".Alias", ref(mapping.path("FunctionName")),
                "the SnapStart alias, not $LATEST");
        assertEquals("TRIM_HORIZON", mapping.path("StartingPosition").asText(), "no change is missed");
        assertEquals(100, mapping.path("BatchSize").asInt());
        assertEquals(List.of("ReportBatchItemFailures"), asList(mapping.path("FunctionResponseTypes")).stream()
                .map(JsonNode::asText).toList());
        assertTrue(mapping.path("BisectBatchOnFunctionError").asBoolean(), "a bad record is isolated");
        int retries = mapping.path("MaximumRetryAttempts").asInt(-1);
        assertTrue(retries >= 0 && retries <= 1000, () -> "bounded retries (-1 is forever): " + retries);
        int recordAge = mapping.path("MaximumRecordAgeInSeconds").asInt(0);
        assertTrue(recordAge == -1 || recordAge >= 60 && recordAge <= 604_800, () -> "a valid age: " + recordAge);
        assertEquals("ChangeEventsDeadLetterQueue",
                getAtt(mapping.path("DestinationConfig").path("OnFailure").path("Destination"), "Arn"));
    }

    @Test
    void leavesQueueAndStreamPollingToTheMappingsNotToSamEventsWithWildcardRoles() {
        // SAM's SQS, DynamoDB and Kinesis events attach AWS managed roles granting on "*".
        for (String id : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
            TEMPLATE.resource(id).path("Properties").path("Events").fields().forEachRemaining(event ->
                    assertFalse(Set.of("SQS", "DynamoDB", "Kinesis").contains(event.getValue().path("Type").asText()),
                            () -> id + " event " + event.getKey()));
        }
        Set<String> mapped = new HashSet<>();
        for (String id : TEMPLATE.resourcesOfType("AWS::Lambda::EventSourceMapping")) {
            String target = ref(properties(id).path("FunctionName"));
            assertTrue(target != null && target.endsWith(".Alias"), () -> id + " invokes an alias: " + target);
            mapped.add(target.substring(0, target.length() - ".Alias".length()));
        }
        assertEquals(Set.of(EventFn.PROVISION.id, EventFn.PUBLISH.id), mapped);
    }

    // ---------------------------------------------------------------------------------------------
    // Bus requests
    // ---------------------------------------------------------------------------------------------

    @Test
    void forwardsExactlyTheThreeProvisioningRequestTypesFromTheBus() {
        JsonNode events = function(EventFn.FORWARD).path("Properties").path("Events");
        assertEquals(1, events.size(), events::toString);
        JsonNode rule = events.path("ProvisioningRequests");
        assertEquals("EventBridgeRule", rule.path("Type").asText());
        JsonNode properties = rule.path("Properties");
        assertEquals(BUS, ref(properties.path("EventBusName")));
        JsonNode pattern = properties.path("Pattern");
        assertEquals(2, pattern.size(), () -> "matches on source and detail-type only: " + pattern);
        assertEquals("[{\"prefix\":\"" + ProvisioningMessages.PRODUCER_SOURCE_PREFIX + "\"}]",
                pattern.path("source").toString(), "only producers' sources");
        List<String> detailTypes = asList(pattern.path("detail-type")).stream().map(JsonNode::asText).toList();
        assertEquals(3, detailTypes.size(), detailTypes::toString);
        assertEquals(Set.of("Create Datamart", "Update Datamart", "Delete Datamart"), new HashSet<>(detailTypes));
    }

    @Test
    void retriesUndeliverableBusRequestsThenDeadLettersThem() {
        JsonNode properties = function(EventFn.FORWARD).path("Properties").path("Events")
                .path("ProvisioningRequests").path("Properties");
        int retries = properties.path("RetryPolicy").path("MaximumRetryAttempts").asInt();
        assertTrue(retries > 0 && retries <= 185, () -> "retried: " + retries);
        int age = properties.path("RetryPolicy").path("MaximumEventAgeInSeconds").asInt();
        assertTrue(age >= 60 && age <= 86_400, () -> "a valid event age: " + age);
        assertEquals("ProvisioningForwardingDeadLetterQueue",
                getAtt(properties.path("DeadLetterConfig").path("Arn"), "Arn"));
    }

    @Test
    void sendsForwardsThatFailEveryAttemptToTheForwardingDeadLetterQueue() {
        JsonNode config = function(EventFn.FORWARD).path("Properties").path("EventInvokeConfig");
        int retries = config.path("MaximumRetryAttempts").asInt(-1);
        assertTrue(retries >= 0 && retries <= 2, () -> "Lambda's asynchronous retries: " + retries);
        JsonNode onFailure = config.path("DestinationConfig").path("OnFailure");
        assertEquals("SQS", onFailure.path("Type").asText());
        assertEquals("ProvisioningForwardingDeadLetterQueue", getAtt(onFailure.path("Destination"), "Arn"));
    }

    @Test
    void letsOnlyTheForwardingRuleWriteToItsDeadLetterQueue() {
        // SAM names an EventBridgeRule event's rule after the function and the event.
        String rule = EventFn.FORWARD.id + function(EventFn.FORWARD).path("Properties").path("Events")
                .fieldNames().next();
        List<String> policies = TEMPLATE.resourcesOfType("AWS::SQS::QueuePolicy").stream()
                .filter(id -> asList(properties(id).path("Queues")).stream()
                        .anyMatch(queue -> "ProvisioningForwardingDeadLetterQueue".equals(ref(queue))))
                .toList();
        assertEquals(1, policies.size(), policies::toString);
        JsonNode document = properties(policies.get(0)).path("PolicyDocument");
        assertEquals(1, document.path("Statement").size(), document::toString);
        JsonNode statement = document.path("Statement").get(0);
        assertEquals("Allow", statement.path("Effect").asText());
        assertEquals("events.amazonaws.com", statement.path("Principal").path("Service").asText());
        assertEquals(List.of("sqs:SendMessage"),
                asList(statement.path("Action")).stream().map(JsonNode::asText).toList());
        assertEquals("ProvisioningForwardingDeadLetterQueue", getAtt(statement.path("Resource"), "Arn"));
        assertEquals(rule, getAtt(statement.path("Condition").path("ArnEquals").path("aws:SourceArn"), "Arn"));
    }

    // ---------------------------------------------------------------------------------------------
    // Change events
    // ---------------------------------------------------------------------------------------------

    @Test
    void streamsBothImagesOfEveryDatamartWrite() {
        assertEquals("NEW_AND_OLD_IMAGES",
                properties("DatamartsTable").path("StreamSpecification").path("StreamViewType").asText());
    }

    @Test
    void givesTheLocalDatamartsTableTheSameStreamAndNoOtherTableOne() {
        Map<String, CreateTableRequest> tables = TEMPLATE.tables();
        assertTrue(tables.get("DatamartsTable").streamSpecification().streamEnabled());
        assertEquals(StreamViewType.NEW_AND_OLD_IMAGES,
                tables.get("DatamartsTable").streamSpecification().streamViewType());
        assertNull(tables.get("DatasourcesTable").streamSpecification());
        assertNull(tables.get("ServiceTokensTable").streamSpecification());
    }

    // ---------------------------------------------------------------------------------------------
    // Dead-letter queues and alarms
    // ---------------------------------------------------------------------------------------------

    @Test
    void namesEveryQueueButTheProvisioningQueueAsADeadLetterTarget() {
        Set<String> queues = new HashSet<>(TEMPLATE.resourcesOfType("AWS::SQS::Queue"));
        queues.remove(QUEUE);
        assertEquals(DEAD_LETTER_QUEUES, queues);
        assertEquals(DEAD_LETTER_QUEUES, deadLetterTargets());
    }

    @Test
    void keepsEveryDeadLetterEncryptedForFourteenDays() {
        for (String queue : DEAD_LETTER_QUEUES) {
            assertTrue(properties(queue).path("SqsManagedSseEnabled").asBoolean(), queue);
            assertEquals(FOURTEEN_DAYS, properties(queue).path("MessageRetentionPeriod").asInt(), queue);
        }
    }

    @Test
    void alarmsTheOperationsTopicOnTheFirstMessageInEveryDeadLetterQueue() {
        Map<String, String> alarmOf = new LinkedHashMap<>();
        for (String id : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            JsonNode alarm = properties(id);
            if (!"AWS/SQS".equals(alarm.path("Namespace").asText())
                    || !"ApproximateNumberOfMessagesVisible".equals(alarm.path("MetricName").asText())) {
                continue;
            }
            assertEquals(1, alarm.path("Dimensions").size(), id);
            JsonNode dimension = alarm.path("Dimensions").get(0);
            assertEquals("QueueName", dimension.path("Name").asText(), id);
            String queue = getAtt(dimension.path("Value"), "QueueName");
            assertNotNull(queue, () -> id + " names its queue by GetAtt QueueName");
            assertEquals("Maximum", alarm.path("Statistic").asText(), id);
            assertEquals(60, alarm.path("Period").asInt(), id);
            assertEquals(1, alarm.path("EvaluationPeriods").asInt(), id);
            assertEquals(1.0, alarm.path("Threshold").asDouble(), id);
            assertEquals("GreaterThanOrEqualToThreshold", alarm.path("ComparisonOperator").asText(), id);
            assertEquals("notBreaching", alarm.path("TreatMissingData").asText(), id);
            assertEquals(List.of(TOPIC), asList(alarm.path("AlarmActions")).stream()
                    .map(EventDrivenTemplateTest::ref).toList(), id);
            alarmOf.put(queue, id);
        }
        assertEquals(DEAD_LETTER_QUEUES, alarmOf.keySet(), alarmOf::toString);
    }

    @Test
    void alarmsWhenAProvisioningRequestWaitsLongerThanAllItsTriesTake() {
        JsonNode alarm = TemplateTest.alarm("AWS/SQS", "ApproximateAgeOfOldestMessage",
                Map.of("QueueName", QUEUE + ".QueueName"));
        assertEquals("Maximum", alarm.path("Statistic").asText());
        assertEquals("GreaterThanThreshold", alarm.path("ComparisonOperator").asText());
        int maxTries = Integer.parseInt(environment(EventFn.PROVISION).get(ProvisioningPipeline.MAX_TRIES_VARIABLE)
                .asText());
        int backoffs = 0;
        for (int tries = 1; tries < maxTries; tries++) {
            backoffs += ProvisioningPipeline.backoffSeconds(tries);
        }
        int allTries = backoffs;
        assertTrue(alarm.path("Threshold").asDouble() > allTries,
                () -> "seconds; a request still being retried (" + allTries + " s of backoff) is no alarm yet");
    }

    @Test
    void alarmsWhenChangesArePublishedMoreThanFiveMinutesLate() {
        JsonNode alarm = properties("DatamartChangesIteratorAgeAlarm");
        assertEquals("AWS/Lambda", alarm.path("Namespace").asText());
        assertEquals("IteratorAge", alarm.path("MetricName").asText());
        Map<String, String> dimensions = new LinkedHashMap<>();
        alarm.path("Dimensions").forEach(d -> dimensions.put(d.path("Name").asText(), ref(d.path("Value"))));
        assertEquals(Map.of("FunctionName", EventFn.PUBLISH.id), dimensions);
        assertEquals("Maximum", alarm.path("Statistic").asText());
        assertEquals(300_000.0, alarm.path("Threshold").asDouble(), "milliseconds");
        assertEquals("GreaterThanThreshold", alarm.path("ComparisonOperator").asText());
        assertEquals(5, alarm.path("EvaluationPeriods").asInt());
        assertEquals(60, alarm.path("Period").asInt());
        assertEquals(List.of(TOPIC), asList(alarm.path("AlarmActions")).stream()
                .map(EventDrivenTemplateTest::ref).toList());
    }

    @Test
    void encryptsTheAlarmTopicWithAKeyCloudWatchMayUse() {
        // CloudWatch cannot publish to a topic under the AWS managed alias/aws/sns key.
        assertEquals("AWS::SNS::Topic", TEMPLATE.resource(TOPIC).path("Type").asText());
        String key = ref(properties(TOPIC).path("KmsMasterKeyId"));
        assertNotNull(key, () -> "a key of this template, not " + properties(TOPIC).path("KmsMasterKeyId"));
        assertEquals("AWS::KMS::Key", TEMPLATE.resource(key).path("Type").asText());
        assertTrue(properties(key).path("EnableKeyRotation").asBoolean(), "rotated");
        List<JsonNode> cloudWatch = new ArrayList<>();
        properties(key).path("KeyPolicy").path("Statement").forEach(statement -> {
            if ("cloudwatch.amazonaws.com".equals(statement.path("Principal").path("Service").asText())) {
                cloudWatch.add(statement);
            }
        });
        assertEquals(1, cloudWatch.size(), "one statement for CloudWatch");
        assertEquals(Set.of("kms:Decrypt", "kms:GenerateDataKey*"), new HashSet<>(asList(cloudWatch.get(0)
                .path("Action")).stream().map(JsonNode::asText).toList()));
        assertEquals("AWS::AccountId", ref(cloudWatch.get(0).path("Condition").path("StringEquals")
                .path("aws:SourceAccount")), "only this account's alarms");
    }

    // ---------------------------------------------------------------------------------------------
    // Permissions
    // ---------------------------------------------------------------------------------------------

    @Test
    void grantsEachEventDrivenFunctionOnlyTheCallsItMakes() {
        assertEquals(Map.of(
                "DatamartsTable", Set.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                        "dynamodb:GetItem"),
                "DatasourcesTable", Set.of("dynamodb:ConditionCheckItem", "dynamodb:GetItem"),
                "ProducerGrantsTable", Set.of("dynamodb:GetItem"),
                "ParkedDatamartsTable", Set.of("dynamodb:GetItem", "dynamodb:PutItem"),
                "ProvisioningAttemptsTable", Set.of("dynamodb:UpdateItem"),
                "IdempotencyKeysTable", TemplateTest.IDEMPOTENCY_RECORD_CALLS,
                "DatamartVersionsTable", Set.of("dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query",
                        "dynamodb:UpdateItem"),
                BUS, Set.of("events:PutEvents"),
                QUEUE, Set.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                        "sqs:GetQueueAttributes"),
                "ProvisioningDeadLetterQueue", Set.of("sqs:SendMessage")),
                grants(statements(EventFn.PROVISION)));
        // GetQueueAttributes and DescribeEventBus: SnapStart priming reads the queue and the bus.
        assertEquals(Map.of(QUEUE, Set.of("sqs:SendMessage", "sqs:GetQueueAttributes")),
                grants(statements(EventFn.FORWARD)));
        assertEquals(Map.of(
                BUS, Set.of("events:PutEvents", "events:DescribeEventBus"),
                "DatamartsTable.StreamArn", Set.of("dynamodb:DescribeStream", "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator", "dynamodb:ListStreams"),
                "ChangeEventsDeadLetterQueue", Set.of("sqs:SendMessage")),
                grants(statements(EventFn.PUBLISH)));
    }

    @ParameterizedTest
    @EnumSource(EventFn.class)
    void grantsNoWildcardAndOnlyOnResourcesOfThisTemplate(EventFn fn) {
        for (JsonNode statement : statements(fn)) {
            assertFalse(statement.toString().contains("*"), () -> "no wildcard anywhere: " + statement);
            List<JsonNode> resources = asList(statement.path("Resource"));
            assertFalse(resources.isEmpty(), () -> "statement without a resource: " + statement);
            for (JsonNode resource : resources) {
                assertFalse(resource.isTextual(), () -> "a literal resource: " + statement);
                String id = resource.path("Fn::GetAtt").path(0).asText();
                assertFalse(TEMPLATE.root().path("Resources").path(id).isMissingNode(),
                        () -> "a GetAtt of a resource of this template: " + resource);
            }
            for (JsonNode action : asList(statement.path("Action"))) {
                assertTrue(action.asText().matches("(dynamodb|sqs|events):[A-Z][A-Za-z]+"),
                        () -> "a specific action, not " + action);
            }
        }
    }

    @Test
    void givesTheProvisioningFunctionTheGrantsTableAndTheForwardersRoleId() {
        Map<String, JsonNode> variables = environment(EventFn.PROVISION);
        assertEquals("ProducerGrantsTable", ref(variables.get(ProducerGrantRepository.TABLE_VARIABLE)));
        assertEquals(EventFn.FORWARD.id + "Role", getAtt(variables.get(ProvisioningPipeline.FORWARDER_VARIABLE),
                "RoleId"),
                "the role SAM makes for the forwarding function");
    }

    /** The one statement of a bus policy resource. */
    static JsonNode busPolicy(String id) {
        JsonNode resource = TEMPLATE.resource(id);
        assertEquals("AWS::Events::EventBusPolicy", resource.path("Type").asText());
        assertEquals(BUS, ref(resource.path("Properties").path("EventBusName")));
        JsonNode statement = resource.path("Properties").path("Statement");
        assertEquals("Deny", statement.path("Effect").asText());
        assertEquals("*", statement.path("Principal").asText(), "every principal, the account's own roles too");
        assertEquals("events:PutEvents", statement.path("Action").asText());
        assertEquals(BUS, getAtt(statement.path("Resource"), "Arn"));
        return statement.path("Condition");
    }

    @Test
    void letsOnlyThePublisherPutChangeEventsAndOnlyTheProvisioningFunctionPutOutcomes() {
        JsonNode changes = busPolicy("DatamartEventBusChangesPolicy");
        assertEquals(OutboundEvent.CHANGES_SOURCE, changes.path("StringEquals").path("events:source").asText());
        assertEquals(EventFn.PUBLISH.id + "Role",
                getAtt(changes.path("ArnNotEquals").path("aws:PrincipalArn"), "Arn"));
        JsonNode outcomes = busPolicy("DatamartEventBusOutcomesPolicy");
        assertEquals(OutboundEvent.PROVISIONING_SOURCE, outcomes.path("StringEquals").path("events:source").asText());
        assertEquals(EventFn.PROVISION.id + "Role",
                getAtt(outcomes.path("ArnNotEquals").path("aws:PrincipalArn"), "Arn"));
    }

    @Test
    void keepsRequestsAndNotificationsApartOnTheBus() {
        Set<String> requests = new HashSet<>();
        for (ProvisioningOperation operation : ProvisioningOperation.values()) {
            requests.add(operation.detailType());
        }
        String producers = ProvisioningMessages.PRODUCER_SOURCE_PREFIX + "*";
        JsonNode onlyFromProducers = busPolicy("DatamartEventBusRequestsPolicy");
        assertEquals(requests, texts(onlyFromProducers.path("StringEquals").path("events:detail-type")));
        assertEquals(producers, onlyFromProducers.path("StringNotLike").path("events:source").asText());
        JsonNode onlyRequests = busPolicy("DatamartEventBusProducerSourcesPolicy");
        assertEquals(producers, onlyRequests.path("StringLike").path("events:source").asText());
        assertEquals(requests, texts(onlyRequests.path("StringNotEquals").path("events:detail-type")));
    }

    @Test
    void letsOnlyTaggedProducersAndTheForwarderSendToTheQueue() {
        JsonNode policy = TEMPLATE.resource("ProvisioningQueuePolicy");
        assertEquals("AWS::SQS::QueuePolicy", policy.path("Type").asText());
        assertEquals(List.of(QUEUE), asList(policy.path("Properties").path("Queues")).stream()
                .map(EventDrivenTemplateTest::ref).toList());
        JsonNode statement = only(asList(policy.path("Properties").path("PolicyDocument").path("Statement")));
        assertEquals("Deny", statement.path("Effect").asText());
        assertEquals("*", statement.path("Principal").asText());
        assertEquals("sqs:SendMessage", statement.path("Action").asText());
        assertEquals(QUEUE, getAtt(statement.path("Resource"), "Arn"));
        JsonNode condition = statement.path("Condition");
        assertEquals("true", condition.path("Null").path("aws:PrincipalTag/" + PRODUCER_TAG).asText(),
                "denied to whoever lacks the producer tag ...");
        assertEquals(EventFn.FORWARD.id + "Role",
                getAtt(condition.path("ArnNotEquals").path("aws:PrincipalArn"), "Arn"), "... but the forwarder");
    }

    @Test
    void letsAProducerPutOnlyRequestsUnderTheSourceItsTagNames() {
        JsonNode statement = asList(TEMPLATE.resource("ProvisioningProducerPolicy").path("Properties")
                .path("PolicyDocument").path("Statement")).stream()
                .filter(s -> s.path("Action").toString().contains("events:PutEvents")).findFirst().orElseThrow();
        JsonNode condition = statement.path("Condition").path("StringEquals");
        assertEquals(ProvisioningMessages.PRODUCER_SOURCE_PREFIX + "${aws:PrincipalTag/" + PRODUCER_TAG + "}",
                condition.path("events:source").asText());
        Set<String> requests = new HashSet<>();
        for (ProvisioningOperation operation : ProvisioningOperation.values()) {
            requests.add(operation.detailType());
        }
        assertEquals(requests, texts(condition.path("events:detail-type")));
    }

    static Set<String> texts(JsonNode list) {
        Set<String> texts = new HashSet<>();
        asList(list).forEach(node -> texts.add(node.asText()));
        return texts;
    }

    static JsonNode only(List<JsonNode> nodes) {
        assertEquals(1, nodes.size(), nodes::toString);
        return nodes.get(0);
    }

    @Test
    void letsProducersOnlySendToTheQueueAndPutOnTheBus() {
        JsonNode policy = TEMPLATE.resource("ProvisioningProducerPolicy");
        assertEquals("AWS::IAM::ManagedPolicy", policy.path("Type").asText());
        assertFalse(policy.path("Properties").path("Description").asText().isBlank(), "says what it is for");
        List<JsonNode> statements = asList(policy.path("Properties").path("PolicyDocument").path("Statement"));
        statements.forEach(statement -> assertFalse(statement.toString().contains("*"), statement::toString));
        assertEquals(Map.of(QUEUE, Set.of("sqs:SendMessage"), BUS, Set.of("events:PutEvents")), grants(statements));
    }

    // ---------------------------------------------------------------------------------------------
    // Functions
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(EventFn.class)
    void namesTheHandlerAndIsBuiltByTheMakefileTargetOfItsModule(EventFn fn) {
        assertEquals(fn.handler, property(fn, "Handler").asText());
        TemplateFunctions.assertBuiltFromModule(fn.id, fn.module);
    }

    @ParameterizedTest
    @EnumSource(EventFn.class)
    void pointsAtAModuleThatBuildsThatJarWithThatHandler(EventFn fn) throws java.io.IOException {
        java.nio.file.Path module = io.datamart.local.ProjectFiles.root().resolve("functions/" + fn.module);
        String pom = java.nio.file.Files.readString(module.resolve("pom.xml"));
        assertTrue(pom.contains("<finalName>" + fn.module + "</finalName>"), fn.module);
        String root = java.nio.file.Files.readString(io.datamart.local.ProjectFiles.root().resolve("pom.xml"));
        assertTrue(root.contains("<module>functions/" + fn.module + "</module>"), "the build includes " + fn.module);
        String className = fn.handler.substring(0, fn.handler.indexOf("::"));
        java.nio.file.Path source = module.resolve("src/main/java/" + className.replace('.', '/') + ".java");
        String code = java.nio.file.Files.readString(source);
        assertTrue(code.contains("implements RequestStreamHandler") && code.contains("void handleRequest("), className);
    }

    @Test
    void namesTheVariablesTheCodeReads() {
        assertTrue(environment(EventFn.PROVISION).containsKey(io.datamart.events.EventBridgePublisher.BUS_VARIABLE));
        assertTrue(environment(EventFn.PUBLISH).containsKey(io.datamart.events.EventBridgePublisher.BUS_VARIABLE));
        assertTrue(environment(EventFn.PROVISION)
                .containsKey(io.datamart.provisioning.ProvisioningPipeline.MAX_RECEIVE_COUNT_VARIABLE));
        assertTrue(environment(EventFn.FORWARD)
                .containsKey(io.datamart.provisioning.ProvisioningForwarder.QUEUE_URL_VARIABLE));
        assertEquals(TEMPLATE.maxReceiveCount(QUEUE), Integer.parseInt(
                TEMPLATE.function(EventFn.PROVISION.id, true).orElseThrow().environment()
                        .get(io.datamart.provisioning.ProvisioningPipeline.MAX_RECEIVE_COUNT_VARIABLE)));
    }

    @Test
    void routesTheDetailTypesTheCodeReadsAndFeedsTheFunctionsTheCodeExpects() {
        Set<String> detailTypes = new java.util.HashSet<>();
        for (var operation : io.datamart.provisioning.ProvisioningOperation.values()) {
            detailTypes.add(operation.detailType());
        }
        Set<String> routed = new java.util.HashSet<>();
        function(EventFn.FORWARD).path("Properties").path("Events").forEach(event ->
                event.path("Properties").path("Pattern").path("detail-type").forEach(t -> routed.add(t.asText())));
        assertEquals(detailTypes, routed);
        assertEquals(Set.of(QUEUE + "->" + EventFn.PROVISION.id, "DatamartsTable->" + EventFn.PUBLISH.id),
                TEMPLATE.eventSources().stream().map(source -> source.sourceId() + "->" + source.functionId())
                        .collect(java.util.stream.Collectors.toSet()));
    }

    @ParameterizedTest
    @EnumSource(EventFn.class)
    void runsOnJava25WithSnapStartOnAnAutoPublishedAlias(EventFn fn) {
        assertEquals("java25", property(fn, "Runtime").asText());
        assertEquals("PublishedVersions", property(fn, "SnapStart").path("ApplyOn").asText());
        assertFalse(property(fn, "AutoPublishAlias").asText().isBlank(),
                "SnapStart only applies to published versions");
        assertEquals("Text", property(fn, "LoggingConfig").path("LogFormat").asText(),
                "the function writes its own JSON lines; Lambda's JSON format would nest them in its message");
        assertEquals("Active", property(fn, "Tracing").asText(), "X-Ray traces");
    }

    @ParameterizedTest
    @EnumSource(EventFn.class)
    void boundsTheRetentionOfItsLogs(EventFn fn) {
        JsonNode logGroup = TEMPLATE.resource(fn.id + "LogGroup");
        assertEquals("AWS::Logs::LogGroup", logGroup.path("Type").asText());
        assertEquals("/aws/lambda/${" + fn.id + "}",
                logGroup.path("Properties").path("LogGroupName").path("Fn::Sub").asText());
        assertTrue(logGroup.path("Properties").path("RetentionInDays").asInt() > 0, "bounded retention");
    }

    @Test
    void passesTheBusAndTheQueueByReference() {
        assertEquals(BUS, ref(environment(EventFn.PROVISION).get("EVENT_BUS_NAME")));
        assertEquals(BUS, ref(environment(EventFn.PUBLISH).get("EVENT_BUS_NAME")));
        assertEquals(QUEUE, ref(environment(EventFn.FORWARD).get("PROVISIONING_QUEUE_URL")));
        assertEquals("AWS::Events::EventBus", TEMPLATE.resource(BUS).path("Type").asText());
        assertEquals("AWS::SQS::Queue", TEMPLATE.resource(QUEUE).path("Type").asText());
    }

    @Test
    void resolvesTheBusAndTheQueueForLocalRuns() {
        FunctionDefinition provision = TEMPLATE.function(EventFn.PROVISION.id, true).orElseThrow();
        assertEquals(BUS, provision.environment().get("EVENT_BUS_NAME"));
        FunctionDefinition forward = TEMPLATE.function(EventFn.FORWARD.id, true).orElseThrow();
        URI queueUrl = URI.create(forward.environment().get("PROVISIONING_QUEUE_URL"));
        assertEquals("https", queueUrl.getScheme());
        assertEquals("/123456789012/" + QUEUE + ".fifo", queueUrl.getPath(),
                "/account/queue-name, in moto's default account; a FIFO queue's name ends in .fifo");
        assertTrue(forward.environment().get("PROVISIONING_QUEUE_URL")
                .startsWith(TemplateModel.LOCAL_QUEUE_URL_PREFIX));
    }

    // ---------------------------------------------------------------------------------------------
    // Outputs
    // ---------------------------------------------------------------------------------------------

    @Test
    void outputsWhatProducersAndOperatorsNeed() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("EventBusName", "{\"Ref\":\"DatamartEventBus\"}");
        expected.put("EventBusArn", "{\"Fn::GetAtt\":[\"DatamartEventBus\",\"Arn\"]}");
        expected.put("ProvisioningQueueUrl", "{\"Ref\":\"ProvisioningQueue\"}");
        expected.put("ProvisioningQueueArn", "{\"Fn::GetAtt\":[\"ProvisioningQueue\",\"Arn\"]}");
        expected.put("ProvisioningDeadLetterQueueUrl", "{\"Ref\":\"ProvisioningDeadLetterQueue\"}");
        expected.put("ProvisioningForwardingDeadLetterQueueUrl",
                "{\"Ref\":\"ProvisioningForwardingDeadLetterQueue\"}");
        expected.put("ChangeEventsDeadLetterQueueUrl", "{\"Ref\":\"ChangeEventsDeadLetterQueue\"}");
        expected.put("ProvisioningProducerPolicyArn", "{\"Ref\":\"ProvisioningProducerPolicy\"}");
        expected.put("OperationsAlarmTopicArn", "{\"Ref\":\"OperationsAlarmTopic\"}");
        JsonNode outputs = TEMPLATE.root().path("Outputs");
        expected.forEach((name, value) -> {
            assertEquals(value, outputs.path(name).path("Value").toString(), name);
            assertFalse(outputs.path(name).path("Description").asText().isBlank(), name + " is described");
        });
    }
}
