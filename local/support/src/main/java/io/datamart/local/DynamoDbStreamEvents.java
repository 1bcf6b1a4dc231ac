package io.datamart.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads a table's stream from the local endpoint and writes its records the way Lambda's
 * event source mapping hands them to a function ({@code {"Records": [...]}}, attribute
 * values in DynamoDB JSON), so the change-publishing function can be run on real
 * stream records, locally and in tests.
 */
public final class DynamoDbStreamEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    /** Per shard, the sequence number of the last record returned. */
    private final Map<String, String> lastRead = new HashMap<>();
    /** Shards read to their end: closed, so nothing more will come from them. */
    private final Set<String> finished = new HashSet<>();

    private DynamoDbStreamEvents(DynamoDbStreamsClient streams, String streamArn) {
        this.streams = streams;
        this.streamArn = streamArn;
    }

    /** Reads the stream of {@code table} from its oldest record on. */
    public static DynamoDbStreamEvents of(LocalAws aws, String table) {
        String arn = aws.dynamoDb().describeTable(r -> r.tableName(table)).table().latestStreamArn();
        if (arn == null) {
            throw new IllegalStateException(table + " has no stream; template.yaml must give it a StreamSpecification");
        }
        return new DynamoDbStreamEvents(aws.streams(), arn);
    }

    /**
     * Every record written since the last call (the first call: since the stream began),
     * oldest first. Each call asks for fresh iterators after the last record it returned,
     * so no iterator is kept long enough to expire.
     */
    public synchronized List<JsonNode> poll() {
        List<JsonNode> records = new ArrayList<>();
        for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
            if (finished.contains(shard.shardId())) {
                continue;
            }
            String after = lastRead.get(shard.shardId());
            String iterator = streams.getShardIterator(r -> {
                r.streamArn(streamArn).shardId(shard.shardId());
                if (after == null) {
                    r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                } else {
                    r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after);
                }
            }).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = streams.getRecords(r -> r.shardIterator(current));
                for (Record record : response.records()) {
                    records.add(lambdaRecord(record));
                    lastRead.put(shard.shardId(), record.dynamodb().sequenceNumber());
                }
                iterator = response.nextShardIterator();
                if (response.records().isEmpty()) {
                    break;
                }
            }
            if (iterator == null) {
                finished.add(shard.shardId());
            }
        }
        return records;
    }

    /** {@code {"Records": records}}: one batch as the event source mapping delivers it. */
    public static ObjectNode event(List<JsonNode> records) {
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").addAll(records);
        return event;
    }

    private ObjectNode lambdaRecord(Record record) {
        StreamRecord stream = record.dynamodb();
        ObjectNode dynamodb = JSON.createObjectNode();
        if (stream.approximateCreationDateTime() != null) {
            dynamodb.put("ApproximateCreationDateTime", stream.approximateCreationDateTime().getEpochSecond());
        }
        dynamodb.set("Keys", image(stream.keys()));
        if (stream.hasNewImage()) {
            dynamodb.set("NewImage", image(stream.newImage()));
        }
        if (stream.hasOldImage()) {
            dynamodb.set("OldImage", image(stream.oldImage()));
        }
        dynamodb.put("SequenceNumber", stream.sequenceNumber())
                .put("SizeBytes", stream.sizeBytes())
                .put("StreamViewType", stream.streamViewTypeAsString());
        ObjectNode lambda = JSON.createObjectNode()
                .put("eventID", record.eventID())
                .put("eventName", record.eventNameAsString())
                .put("eventVersion", record.eventVersion())
                .put("eventSource", "aws:dynamodb")
                .put("awsRegion", record.awsRegion() == null ? "us-east-1" : record.awsRegion());
        lambda.set("dynamodb", dynamodb);
        lambda.put("eventSourceARN", streamArn);
        return lambda;
    }

    private static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode image = JSON.createObjectNode();
        item.forEach((name, value) -> image.set(name, value(value)));
        return image;
    }

    /** One attribute value in DynamoDB JSON: {"S": "..."}, {"N": "1"}, {"M": {...}}, ... */
    static JsonNode value(AttributeValue value) {
        ObjectNode node = JSON.createObjectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case B -> node.put("B", base64(value.b()));
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case M -> node.set("M", image(value.m()));
            case L -> {
                ArrayNode list = node.putArray("L");
                value.l().forEach(element -> list.add(value(element)));
            }
            case SS -> value.ss().forEach(node.putArray("SS")::add);
            case NS -> value.ns().forEach(node.putArray("NS")::add);
            case BS -> value.bs().forEach(bytes -> node.withArray("BS").add(base64(bytes)));
            default -> throw new IllegalArgumentException("unknown attribute type in " + value);
        }
        return node;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
