package io.datamart.functions.provision;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.datamart.provisioning.ProvisioningPipeline;
import io.datamart.wiring.DatamartApi;
import io.datamart.wiring.DatamartProvisioning;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The provisioning function: SQS FIFO batches in, an SQSBatchResponse (batchItemFailures) out. */
public final class ProvisionDatamartsHandler implements RequestStreamHandler {
    private final ProvisioningPipeline pipeline;

    /** What Lambda calls, once per execution environment, during init. */
    public ProvisionDatamartsHandler() {
        this(DatamartApi.fromEnvironment());
    }

    /** The seam tests and the local runner use to pass the environment in. */
    public ProvisionDatamartsHandler(DatamartApi api) {
        this(DatamartProvisioning.pipeline(api));
    }

    /** The seam tests use to give the pipeline a bus of their own. */
    public ProvisionDatamartsHandler(ProvisioningPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        pipeline.handle(event, response, context);
    }
}
