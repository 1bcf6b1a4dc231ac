package io.datamart.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.error.ServiceUnavailableException;
import io.datamart.testing.Concurrently;
import io.datamart.testing.TestContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/** The invocation's time budget and the timeouts it gives each AWS call. */
class CallBudgetTest {
    private static <T> T within(int remainingMillis, Duration reserve, CallBudget.Work<T, RuntimeException> work) {
        return CallBudget.within(new TestContext().remainingTimeMillis(remainingMillis), reserve, work);
    }

    @Test
    void outsideAnyBudgetACallKeepsTheClientsOwnLimits() {
        assertEquals(Optional.empty(), CallBudget.remaining());
        assertEquals(Optional.empty(), CallBudget.bound(Optional.empty()));
        AwsRequestOverrideConfiguration own = AwsRequestOverrideConfiguration.builder()
                .putHeader("x-test", "1").build();
        assertEquals(Optional.of(own), CallBudget.bound(Optional.of(own)));
        assertFalse(CallBudget.shorterThan(Duration.ofDays(1)));
    }

    @Test
    void aCallGetsWhatIsLeftAtMostTheClientsLimitAndShortAttempts() {
        AwsRequestOverrideConfiguration plenty = within(60_000, Duration.ofSeconds(1),
                () -> CallBudget.bound(Optional.empty()).orElseThrow());
        assertEquals(CallBudget.MAX_CALL, plenty.apiCallTimeout().orElseThrow());
        assertEquals(CallBudget.MAX_ATTEMPT, plenty.apiCallAttemptTimeout().orElseThrow());

        AwsRequestOverrideConfiguration tight = within(2_500, Duration.ofSeconds(1),
                () -> CallBudget.bound(Optional.empty()).orElseThrow());
        Duration call = tight.apiCallTimeout().orElseThrow();
        assertTrue(call.compareTo(Duration.ofMillis(1_500)) <= 0 && call.compareTo(Duration.ofMillis(1_000)) > 0,
                () -> "what is left of 1.5 s: " + call);
        assertEquals(call, tight.apiCallAttemptTimeout().orElseThrow(), "an attempt never outlasts its call");
    }

    @Test
    void aCallThatMustNotBeRepeatedGetsNoShortAttemptTimeout() {
        AwsRequestOverrideConfiguration write = within(60_000, Duration.ofSeconds(1),
                () -> CallBudget.bound(Optional.empty(), false).orElseThrow());
        assertEquals(CallBudget.MAX_CALL, write.apiCallTimeout().orElseThrow());
        assertTrue(write.apiCallAttemptTimeout().isEmpty(), "a slow write is not cut short and tried again");
    }

    @Test
    void keepsWhatTheCallAlreadyOverrides() {
        AwsRequestOverrideConfiguration own = AwsRequestOverrideConfiguration.builder()
                .putHeader("x-test", "1").build();
        AwsRequestOverrideConfiguration bounded = within(60_000, Duration.ZERO,
                () -> CallBudget.bound(Optional.of(own)).orElseThrow());
        assertEquals(List.of("1"), bounded.headers().get("x-test"));
        assertEquals(CallBudget.MAX_CALL, bounded.apiCallTimeout().orElseThrow());
    }

    @Test
    void refusesToStartACallWithLessThanItNeedsLeft() {
        ServiceUnavailableException refused = assertThrows(ServiceUnavailableException.class,
                () -> within(1_200, Duration.ofSeconds(1), () -> CallBudget.bound(Optional.empty())));
        assertTrue(refused.getMessage().contains("nothing was changed"), refused::getMessage);
        assertTrue(within(1_200, Duration.ofSeconds(1), () -> CallBudget.shorterThan(CallBudget.MIN_CALL)));
        assertTrue(within(500, Duration.ofSeconds(1), () -> CallBudget.remaining().orElseThrow().isNegative()),
                "a reserve larger than the time left leaves a spent budget");
    }

    @Test
    void aNestedBudgetHoldsInsideAndTheOuterOneAfter() {
        within(60_000, Duration.ofSeconds(1), () -> {
            Duration inner = within(5_000, Duration.ofSeconds(2), () -> CallBudget.remaining().orElseThrow());
            assertTrue(inner.compareTo(Duration.ofSeconds(3)) <= 0, inner::toString);
            Duration outer = CallBudget.remaining().orElseThrow();
            assertTrue(outer.compareTo(Duration.ofSeconds(50)) > 0, outer::toString);
            return null;
        });
        assertEquals(Optional.empty(), CallBudget.remaining(), "gone once the invocation's work returns");
    }

    @Test
    void withoutAContextThereIsNoBudget() {
        assertEquals(Optional.empty(), CallBudget.within(null, Duration.ofSeconds(1), CallBudget::remaining));
    }

    @Test
    void eachThreadKeepsItsOwnBudget() {
        List<Duration> seen = Concurrently.run(4, i -> within(10_000 * (i + 1), Duration.ZERO,
                () -> CallBudget.remaining().orElseThrow()));
        for (int i = 0; i < seen.size(); i++) {
            Duration left = seen.get(i);
            int expected = 10 * (i + 1);
            assertTrue(left.compareTo(Duration.ofSeconds(expected)) <= 0
                    && left.compareTo(Duration.ofSeconds(expected - 5)) > 0, () -> "thread budget: " + left);
        }
    }
}
