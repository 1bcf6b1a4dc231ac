package io.datamart.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.datamart.error.IdempotencyKeyInUseException;
import io.datamart.error.IdempotencyKeyReusedException;
import io.datamart.error.InvalidRequestException;
import io.datamart.idempotency.IdempotencyKeys;
import io.datamart.idempotency.RequestFingerprint;
import io.datamart.persistence.CommittedWith;
import io.datamart.persistence.IdempotencyRecordRepository;
import io.datamart.persistence.IdempotencyRecordRepository.Answered;
import io.datamart.persistence.IdempotencyRecordRepository.Claim;
import io.datamart.persistence.IdempotencyRecordRepository.Claimed;
import io.datamart.persistence.IdempotencyRecordRepository.Running;
import io.datamart.persistence.IdempotencyRecordRepository.UsedForAnotherRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Create, update and delete sent with an {@code Idempotency-Key}: run once per key and
 * organization, the answer recorded with the change it made, and given again, with
 * {@code Idempotent-Replayed: true}, to every later request with the key and the same
 * method, route, query and body, however the datamart changed meanwhile.
 */
final class IdempotentRequests {
    static final String REPLAYED = "Idempotent-Replayed";

    private final IdempotencyRecordRepository records;

    IdempotentRequests(IdempotencyRecordRepository records) {
        this.records = records;
    }

    /**
     * The answer to a write sent with {@code key}: {@code run} with the record's completion
     * to commit with its change, once; the recorded answer after that.
     */
    ApiResponse serve(String organizationId, Route route, ApiRequest request, String key, Context context,
            Function<CommittedWith, ApiResponse> run) {
        String recordKey = IdempotencyKeys.http(key);
        String fingerprint = fingerprint(route, request);
        Claim claim = records.claim(organizationId, recordKey, fingerprint,
                Duration.ofMillis(context.getRemainingTimeInMillis()), IdempotencyKeys.HTTP_KEPT_FOR);
        return switch (claim) {
            case Answered answered -> replay(answered);
            case Running running -> throw new IdempotencyKeyInUseException();
            case UsedForAnotherRequest reused -> throw new IdempotencyKeyReusedException();
            case Claimed claimed -> {
                ApiResponse response = run.apply(name -> records.completion(organizationId, recordKey,
                        claimed.claimId(), 200, ApiGatewayHandler.success(route.operation(), name).toString()));
                settle(organizationId, recordKey, claimed.claimId(), response);
                yield response;
            }
        };
    }

    /** A keyed write's own steps, for priming: the request's fingerprint, and a transaction that writes nothing. */
    void prime(String organizationId, Route route, ApiRequest request) {
        fingerprint(route, request);
        records.primeTransaction(organizationId);
    }

    /**
     * After the run: a success was recorded with its change. Bad input (a 4xx the same
     * request would always get) is recorded now; anything worth retrying (a 5xx, a lost
     * race, a stale If-Match, a request limit) gives the key up, so the retry runs afresh:
     * none of them wrote anything.
     */
    private void settle(String organizationId, String recordKey, String claimId, ApiResponse response) {
        int status = response.statusCode();
        if (status == 200) {
            return;
        }
        try {
            if (status < 500 && status != 409 && status != 412 && status != 429) {
                records.complete(organizationId, recordKey, claimId, status, response.body().toString());
                return;
            }
        } catch (RuntimeException notRecorded) {
            // Not recorded: give the key up below, so a retry runs afresh rather than waiting.
        }
        try {
            records.release(organizationId, recordKey, claimId);
        } catch (RuntimeException notReleased) {
            // The answer stands: a claim left in progress ends with its lease.
        }
    }

    private static ApiResponse replay(Answered answered) {
        try {
            return ApiResponse.json(answered.status(), Json.MAPPER.readTree(answered.answer()))
                    .withHeader(REPLAYED, "true");
        } catch (JsonProcessingException corrupt) {
            throw new IllegalStateException("a recorded answer is JSON this function wrote", corrupt);
        }
    }

    /**
     * Method, route, If-Match, query and body; a query or body that cannot be read counts as
     * sent. If-Match is part of what the client asked (a write at that version), so a retry
     * naming another version is another request.
     */
    private static String fingerprint(Route route, ApiRequest request) {
        Map<String, List<String>> query;
        try {
            query = request.query();
        } catch (InvalidRequestException unreadable) {
            query = null;
        }
        byte[] body;
        String routeAsSent = route.path();
        try {
            body = request.body();
        } catch (InvalidRequestException unreadable) {
            // Marked, so that no readable body can share its fingerprint.
            body = request.rawBody().getBytes(StandardCharsets.UTF_8);
            routeAsSent += " (body not readable)";
        }
        String ifMatch = request.header(EntityTags.IF_MATCH);
        if (ifMatch != null) {
            routeAsSent += " If-Match: " + ifMatch;
        }
        return RequestFingerprint.of(route.method(), routeAsSent, query, request.rawQuery(), body);
    }
}
