package io.datamart.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.datamart.aws.CallBudget;
import io.datamart.service.DatamartService;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * The List Datamarts answer: the datamarts the options ask for, in name order, cut
 * after a whole datamart where the next one would take the response past what Lambda
 * can return, or where reading on might not end within the invocation's time (names
 * only of many large datamarts take many reads: DynamoDB reads whole items), with a
 * {@code nextToken} that goes on from there. Whatever is stored,
 * the response fits: a datamart is at most a 400 KB item, which even escaped twice
 * stays far below the limit, so a response always holds at least one.
 */
final class DatamartList {
    /**
     * Kept back from the limit for everything around the datamarts: the response object,
     * its headers, {@code "error": null} and a {@code nextToken} (a name of at most 255
     * characters, encoded).
     */
    static final long RESERVED_BYTES = 16_384;

    private final DatamartService service;
    private final long budget;

    DatamartList(DatamartService service) {
        this(service, LambdaResponseSize.MAX_RESPONSE_BYTES - RESERVED_BYTES);
    }

    /** With another budget for the datamarts' JSON: how tests cut lists of small datamarts. */
    DatamartList(DatamartService service, long budget) {
        this.service = service;
        this.budget = budget;
    }

    ObjectNode body(String organizationId, ListOptions options) {
        String after;
        Integer limit; // null: to the end
        if (options.continuation() != null) {
            after = options.continuation().afterName();
            limit = options.continuation().remaining();
        } else if (options.paginated()) {
            DatamartService.PageStart start = service.pageStart(organizationId, options.offset());
            if (start.pastTheEnd()) {
                return page(Json.MAPPER.createArrayNode(), null);
            }
            after = start.afterName();
            limit = ListOptions.PAGE_SIZE;
        } else {
            after = null;
            limit = null;
        }
        int wanted = limit == null ? Integer.MAX_VALUE : limit;
        try (Stream<ObjectNode> datamarts = options.expandDetails()
                ? service.listAfter(organizationId, after, wanted).map(DatamartJson::full)
                : service.listSummariesAfter(organizationId, after, wanted).map(DatamartJson::summary)) {
            return cut(datamarts.iterator(), limit, options.expandDetails());
        }
    }

    /** The datamarts that fit, written once each: the response carries them as raw JSON. */
    private ObjectNode cut(Iterator<ObjectNode> datamarts, Integer limit, boolean expandDetails) {
        ArrayNode data = Json.MAPPER.createArrayNode();
        long used = 0;
        int listed = 0;
        String lastName = null;
        while (limit == null || listed < limit) {
            // hasNext() may read the next page: only with time for a read left. Cut short so,
            // the list may turn out to have had no more; its nextToken then lists nothing.
            if (listed > 0 && CallBudget.shorterThan(CallBudget.MAX_ATTEMPT)) {
                return page(data, new NextToken(lastName, limit == null ? null : limit - listed, expandDetails));
            }
            if (!datamarts.hasNext()) {
                break;
            }
            ObjectNode datamart = datamarts.next();
            String json = write(datamart);
            long cost = LambdaResponseSize.asJsonString(json) + 1; // and the comma before the next
            if (listed > 0 && used + cost > budget) {
                return page(data, new NextToken(lastName, limit == null ? null : limit - listed, expandDetails));
            }
            data.addRawValue(new RawValue(json));
            used += cost;
            listed++;
            lastName = datamart.path("name").textValue();
        }
        return page(data, null);
    }

    private static ObjectNode page(ArrayNode data, NextToken next) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("data", data);
        body.putNull("error");
        if (next != null) {
            body.put("nextToken", next.encode());
        }
        return body;
    }

    private static String write(ObjectNode datamart) {
        try {
            return Json.MAPPER.writeValueAsString(datamart);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("a tree of strings, numbers and booleans always serializes", impossible);
        }
    }
}
