package io.datamart.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.testing.Fixtures;
import org.junit.jupiter.api.Test;

class DatamartChangeEventsTest {
    private static final String IMAGE = """
            {"organizationId": {"S": "demo"}, "name": {"S": "sales"}, "datasourceName": {"S": "postgres-main"},
             "tableList": {"L": []}, "createdAt": {"S": "2026-11-22T05:00:00Z"},
             "updatedAt": {"S": "%s"}, "version": {"N": "%d"}}""";

    private static JsonNode record(String eventName, String oldImage, String newImage) {
        return Fixtures.object("""
                {"eventID": "e1", "eventName": "%s", "eventSource": "aws:dynamodb", "dynamodb": {
                  "ApproximateCreationDateTime": 1795330800.25,
                  "Keys": {"organizationId": {"S": "demo"}, "name": {"S": "sales"}},
                  %s %s "SequenceNumber": "100", "StreamViewType": "NEW_AND_OLD_IMAGES"}}"""
                .formatted(eventName, oldImage == null ? "" : "\"OldImage\": " + oldImage + ",",
                        newImage == null ? "" : "\"NewImage\": " + newImage + ","));
    }

    @Test
    void anInsertIsACreatedEventWithTheNewVersion() {
        OutboundEvent event = DatamartChangeEvents.fromStreamRecord(
                record("INSERT", null, IMAGE.formatted("2026-11-22T05:00:00Z", 1)));
        assertEquals("datamart.changes", event.source());
        assertEquals("Datamart Created", event.detailType());
        assertEquals(Fixtures.object("""
                {"organizationId": "demo", "name": "sales", "version": 1, "datasourceName": "postgres-main",
                 "createdAt": "2026-11-22T05:00:00Z", "changedAt": "2026-11-22T05:00:00Z"}"""), Fixtures.object(event.detail().toString()));
    }

    @Test
    void aModifyIsAnUpdatedEventWithTheNewVersionAndTime() {
        OutboundEvent event = DatamartChangeEvents.fromStreamRecord(record("MODIFY",
                IMAGE.formatted("2026-11-22T05:00:00Z", 1), IMAGE.formatted("2026-11-22T06:30:00.125Z", 2)));
        assertEquals("Datamart Updated", event.detailType());
        assertEquals(2, event.detail().path("version").asLong());
        assertEquals("2026-11-22T06:30:00.125Z", event.detail().path("changedAt").asText());
    }

    @Test
    void aRemoveIsADeletedEventWithTheVersionItHadAndWhenItWasRemoved() {
        OutboundEvent event = DatamartChangeEvents.fromStreamRecord(
                record("REMOVE", IMAGE.formatted("2026-11-22T06:30:00Z", 3), null));
        assertEquals("Datamart Deleted", event.detailType());
        assertEquals(3, event.detail().path("version").asLong());
        assertEquals("2026-11-22T07:00:00.250Z", event.detail().path("changedAt").asText());
    }

    @Test
    void refusesARecordThatIsNotADatamartChange() {
        assertThrows(IllegalArgumentException.class, () -> DatamartChangeEvents.fromStreamRecord(
                record("TRUNCATE", null, IMAGE.formatted("2026-11-22T05:00:00Z", 1))));
        // KEYS_ONLY stream: no image to read the version from.
        assertThrows(IllegalArgumentException.class,
                () -> DatamartChangeEvents.fromStreamRecord(record("REMOVE", null, null)));
    }
}
