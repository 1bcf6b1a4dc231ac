package io.datamart.aws;

import com.amazonaws.services.lambda.runtime.Context;
import io.datamart.error.ServiceUnavailableException;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * The time the current invocation may still spend calling AWS, so that no chain of calls
 * and retries outlives the function's timeout.
 *
 * <p>A handler runs one invocation's work inside a budget ({@link #within}) that ends a
 * reserve before the invocation does, the reserve being what the handler needs after
 * the work (writing the response, publishing an outcome). Every AWS call made inside it
 * is given what is left as its timeout, at most {@link #MAX_CALL}, each attempt of a call
 * that may be repeated at most {@link #MAX_ATTEMPT} so that the SDK's retries of a hung
 * attempt still fit (a write's attempts end at the socket timeout instead); a call
 * that would start with less than {@link #MIN_CALL} left is not made. Outside any budget
 * (bin/admin, seeding) calls keep the client's own limits. The budget is scoped to the
 * thread running the invocation, so concurrent invocations in one JVM (the local runner,
 * tests) keep their own.
 */
public final class CallBudget {
    /** The longest one call may take, retries included: the client's own limit. */
    public static final Duration MAX_CALL = Duration.ofSeconds(8);
    /** The longest one attempt may take: a DynamoDB or EventBridge answer takes milliseconds. */
    public static final Duration MAX_ATTEMPT = Duration.ofSeconds(2);
    /** Less than this left, a call is not started. */
    public static final Duration MIN_CALL = Duration.ofMillis(250);

    private static final ScopedValue<Long> DEADLINE_NANOS = ScopedValue.newInstance();

    /** The work of an invocation; may throw what the handler may. */
    @FunctionalInterface
    public interface Work<T, X extends Throwable> {
        T run() throws X;
    }

    private CallBudget() {
    }

    /**
     * Runs {@code work} with a budget ending {@code reserve} before the invocation ends
     * ({@code context} null: no budget, as when a test calls a handler without one).
     */
    public static <T, X extends Throwable> T within(Context context, Duration reserve, Work<T, X> work) throws X {
        if (context == null) {
            return work.run();
        }
        long left = Duration.ofMillis(context.getRemainingTimeInMillis()).minus(reserve).toNanos();
        return ScopedValue.where(DEADLINE_NANOS, System.nanoTime() + left).call(work::run);
    }

    /** What is left of the current budget (negative once spent); empty outside any budget. */
    public static Optional<Duration> remaining() {
        return DEADLINE_NANOS.isBound()
                ? Optional.of(Duration.ofNanos(DEADLINE_NANOS.get() - System.nanoTime()))
                : Optional.empty();
    }

    /** True when there is a budget and less than {@code needed} is left of it. */
    public static boolean shorterThan(Duration needed) {
        return remaining().map(left -> left.compareTo(needed) < 0).orElse(false);
    }

    /** {@link #bound(Optional, boolean)} for a call the SDK may safely repeat. */
    public static Optional<AwsRequestOverrideConfiguration> bound(Optional<AwsRequestOverrideConfiguration> existing) {
        return bound(existing, true);
    }

    /**
     * The override configuration for the next call: {@code existing} with its timeouts cut
     * to the budget; {@code existing} itself outside any budget. Only a call the SDK may
     * safely repeat gets the short attempt timeout: a conditional write whose first attempt
     * committed slowly would fail its own condition when tried again.
     *
     * @throws ServiceUnavailableException less than {@link #MIN_CALL} is left
     */
    public static Optional<AwsRequestOverrideConfiguration> bound(Optional<AwsRequestOverrideConfiguration> existing,
            boolean repeatable) {
        Optional<Duration> left = remaining();
        if (left.isEmpty()) {
            return existing;
        }
        if (left.get().compareTo(MIN_CALL) < 0) {
            throw ServiceUnavailableException.outOfTime();
        }
        Duration call = min(left.get(), MAX_CALL);
        AwsRequestOverrideConfiguration.Builder builder = existing.map(AwsRequestOverrideConfiguration::toBuilder)
                .orElseGet(AwsRequestOverrideConfiguration::builder);
        builder.apiCallTimeout(call);
        if (repeatable) {
            builder.apiCallAttemptTimeout(min(call, MAX_ATTEMPT));
        }
        return Optional.of(builder.build());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
