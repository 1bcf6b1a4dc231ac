package io.datamart.functions.forward;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.datamart.provisioning.ProvisioningForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** The forwarding function: an EventBridge provisioning request in, the same request on the FIFO queue. */
public final class ForwardProvisioningEventsHandler implements RequestStreamHandler {
    private final ProvisioningForwarder forwarder;

    /** What Lambda calls, once per execution environment, during init. */
    public ForwardProvisioningEventsHandler() {
        this(System.getenv());
    }

    /** The seam tests and the local runner use to pass the environment in; it needs no DynamoDB. */
    public ForwardProvisioningEventsHandler(Map<String, String> environment) {
        this.forwarder = ProvisioningForwarder.fromEnvironment(environment);
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        forwarder.handle(event, response, context);
    }
}
