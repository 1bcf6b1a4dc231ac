package io.datamart.functions.update;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.datamart.api.ApiGatewayHandler;
import io.datamart.api.Operation;
import io.datamart.wiring.DatamartApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The Update Datamart function: API Gateway events in, API Gateway responses out. */
public final class UpdateDatamartHandler implements RequestStreamHandler {
    private final ApiGatewayHandler api;

    /** What Lambda calls, once per execution environment, during init. */
    public UpdateDatamartHandler() {
        this(DatamartApi.fromEnvironment());
    }

    /** The seam tests and the local runner use to pass the environment in. */
    public UpdateDatamartHandler(DatamartApi api) {
        this.api = api.handler(Operation.UPDATE);
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        api.handle(event, response, context);
    }
}
