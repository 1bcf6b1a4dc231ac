package io.datamart.functions.changes;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.datamart.events.DatamartChangesPipeline;
import io.datamart.events.EventBridgePublisher;
import io.datamart.events.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The change-publishing function: batches of the datamarts table's stream in, change
 * events on the bus, a StreamsEventResponse (batchItemFailures) out.
 */
public final class PublishDatamartChangesHandler implements RequestStreamHandler {
    private final DatamartChangesPipeline pipeline;

    /** What Lambda calls, once per execution environment, during init. */
    public PublishDatamartChangesHandler() {
        this(System.getenv());
    }

    /** The seam tests and the local runner use to pass the environment in; it needs no DynamoDB. */
    public PublishDatamartChangesHandler(Map<String, String> environment) {
        this(EventBridgePublisher.fromEnvironment(environment));
    }

    /** The seam tests use to publish through a bus that fails when told. */
    public PublishDatamartChangesHandler(EventPublisher publisher) {
        this.pipeline = new DatamartChangesPipeline(publisher);
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        pipeline.handle(event, response, context);
    }
}
