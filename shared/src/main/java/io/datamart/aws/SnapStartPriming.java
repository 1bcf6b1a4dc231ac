package io.datamart.aws;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart's runtime hook (the CRaC API): before the snapshot is taken, a function's
 * request path runs once, so a restored function does not load and compile it on its
 * first request. Priming writes nothing and leaves nothing in a cache; a failure of it
 * never stops the snapshot. The resource must stay reachable from the handler: the
 * global context holds its resources weakly.
 */
public final class SnapStartPriming implements Resource {
    private final Runnable prime;

    /** A hook that runs {@code prime} before the snapshot, registered with the CRaC global context. */
    public static SnapStartPriming register(Runnable prime) {
        SnapStartPriming priming = new SnapStartPriming(prime);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    private SnapStartPriming(Runnable prime) {
        this.prime = prime;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            prime.run();
        } catch (RuntimeException notPrimed) {
            // The snapshot is still good: the first request after restore does the work instead.
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to regenerate: priming kept no token, catalog or random value, and the
        // SDK's clients resolve credentials lazily.
    }
}
