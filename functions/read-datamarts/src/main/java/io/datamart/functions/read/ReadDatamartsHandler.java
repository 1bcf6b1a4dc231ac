package io.datamart.functions.read;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.datamart.api.ApiGatewayHandler;
import io.datamart.api.Operation;
import io.datamart.wiring.DatamartApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The read side: List Datamarts and Get Datamart. API Gateway events in, responses out. */
public final class ReadDatamartsHandler implements RequestStreamHandler {
    private final ApiGatewayHandler api;

    /** What Lambda calls, once per execution environment, during init. */
    public ReadDatamartsHandler() {
        this(DatamartApi.fromEnvironment());
    }

    /** The seam tests and the local runner use to pass the environment in. */
    public ReadDatamartsHandler(DatamartApi api) {
        this.api = api.handler(Operation.LIST, Operation.GET, Operation.LIST_VERSIONS, Operation.GET_VERSION);
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        api.handle(event, response, context);
    }
}
