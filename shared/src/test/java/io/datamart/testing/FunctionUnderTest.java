package io.datamart.testing;

import io.datamart.provisioning.ProvisioningPipeline;
import io.datamart.wiring.DatamartApi;
import io.datamart.wiring.DatamartProvisioning;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One function of template.yaml under test, set up the same way for every test class
 * (register it as a static {@code @RegisterExtension} field):
 * <ul>
 * <li>before each test, a fresh database (the fixtures' organizations, tokens and
 * datasources, no datamart), the bus with nothing on it, and the handler built anew with
 * the environment the template gives the function, its DynamoDB and EventBridge clients
 * real ones that fail only when a test tells them to; then whatever {@link #seeded}
 * adds;</li>
 * <li>after all tests of the class, the contract's check that no raw token was logged.</li>
 * </ul>
 */
public final class FunctionUnderTest<H> implements BeforeEachCallback, AfterAllCallback {
    private final String functionId;
    private final Function<FunctionUnderTest<?>, H> factory;
    private final List<Consumer<LocalDynamoDb>> seeds = new ArrayList<>();

    private LocalDynamoDb db;
    private LocalBus bus;
    private FaultInjectingDynamoDbClient dynamoDb;
    private H handler;

    private FunctionUnderTest(String functionId, Function<FunctionUnderTest<?>, H> factory) {
        this.functionId = functionId;
        this.factory = factory;
    }

    /**
     * @param functionId the function's logical id in template.yaml, whose environment the handler gets
     * @param handler    builds the handler, from {@link #api()} or {@link #environment()}
     */
    public static <H> FunctionUnderTest<H> of(String functionId, Function<FunctionUnderTest<?>, H> handler) {
        return new FunctionUnderTest<>(functionId, handler);
    }

    /** Stores something before each test, once the handler is built (datamarts to update, say). */
    public FunctionUnderTest<H> seeded(Consumer<LocalDynamoDb> seed) {
        seeds.add(seed);
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        db = Databases.fresh();
        bus = LocalBus.fresh();
        dynamoDb = new FaultInjectingDynamoDbClient(db.client());
        handler = factory.apply(this);
        seeds.forEach(seed -> seed.accept(db));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (handler != null) { // else no test ran (the local AWS could not start): there is nothing to check
            TokenLogs.assertNoTokenLogged();
        }
    }

    /** The handler of the current test. */
    public H handler() {
        return handler;
    }

    public LocalDynamoDb db() {
        return db;
    }

    public LocalBus bus() {
        return bus;
    }

    /** The DynamoDB client the handler uses: the real one, failing or counting calls when told. */
    public FaultInjectingDynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** The environment template.yaml gives the function, pointed at the test AWS; the token cache off. */
    public Map<String, String> environment() {
        return LocalBus.environment(db, functionId);
    }

    /**
     * The functions' wiring, as Lambda builds it from the environment, over the clients a
     * test can make fail; a new one each call, as each execution environment has its own.
     */
    public DatamartApi api() {
        return DatamartApi.create(dynamoDb, environment(), Clock.systemUTC());
    }

    /** The provisioning function's pipeline on that wiring, its outcomes published to this test's bus. */
    public ProvisioningPipeline provisioning() {
        return DatamartProvisioning.pipeline(api(), bus.publisher());
    }
}
