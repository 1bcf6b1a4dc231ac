package io.datamart.testing;

import io.datamart.local.LocalAws;
import io.datamart.local.TemplateModel;

/**
 * The AWS this test JVM runs against, with template.yaml's tables, queues and event bus:
 * moto, started on a free loopback port on first use and stopped when the JVM ends
 * (however it ends), or the endpoint {@code -Ddatamart.endpoint=URL} (or
 * {@code AWS_ENDPOINT_URL}) names, such as a moto or LocalStack started by hand.
 */
public final class TestAws {
    private static LocalAws instance;
    private static RuntimeException unavailable;

    private TestAws() {
    }

    /**
     * The one local AWS of this JVM. When it cannot start (moto not installed, say), every
     * test that needs it fails with the same one-line reason, without trying again.
     */
    public static synchronized LocalAws instance() {
        if (unavailable != null) {
            throw unavailable;
        }
        if (instance == null) {
            try {
                LocalAws aws = LocalAws.configured();
                aws.createResources(template());
                instance = aws;
                Runtime.getRuntime().addShutdownHook(new Thread(aws::close, "local-aws-stop"));
            } catch (RuntimeException failure) {
                unavailable = failure;
                throw failure;
            }
        }
        return instance;
    }

    public static TemplateModel template() {
        return Template.load();
    }
}
