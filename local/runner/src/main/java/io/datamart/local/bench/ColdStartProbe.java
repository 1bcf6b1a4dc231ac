package io.datamart.local.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in a fresh JVM whose classpath starts with one function's deployment jar: what a
 * Lambda cold start does. It instantiates the handler through its no-argument constructor
 * (which reads the environment, as on Lambda), invokes it once with an event file, then
 * a second time, and prints one line of figures for {@link Benchmark}: the times, when the
 * first response was written, and the CPU the process had used by then. With
 * {@code prime}, it first runs the SnapStart hook the handler registered, as the runtime
 * does before its snapshot, and times it apart from init: the first request is then
 * what a restored function's first request costs.
 * Usage: ColdStartProbe HANDLER_CLASS EVENT_FILE [prime]
 */
public final class ColdStartProbe {
    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainStart = System.currentTimeMillis();
        byte[] event = Files.readAllBytes(Path.of(args[1]));

        long initStart = System.nanoTime();
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0])
                .getConstructor().newInstance();
        long initNanos = System.nanoTime() - initStart;

        long primeNanos = 0;
        if (args.length > 2 && args[2].equals("prime")) {
            long primeStart = System.nanoTime();
            primingHook(handler).beforeCheckpoint(null);
            primingHook(handler).afterRestore(null);
            primeNanos = System.nanoTime() - primeStart;
        }

        long firstStart = System.nanoTime();
        String first = invoke(handler, event);
        long firstNanos = System.nanoTime() - firstStart;
        long firstEnd = System.currentTimeMillis();
        long cpuNanos = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();

        long secondStart = System.nanoTime();
        invoke(handler, event);
        long secondNanos = System.nanoTime() - secondStart;

        String status = first.replaceAll("(?s).*\"statusCode\":(\\d+).*", "$1");
        System.out.printf("jvm_to_main_ms=%d init_ms=%.1f prime_ms=%.1f first_ms=%.1f second_ms=%.1f"
                        + " first_end_epoch_ms=%d cpu_ms=%.1f status=%s%n", mainStart - jvmStart, initNanos / 1e6,
                primeNanos / 1e6, firstNanos / 1e6, secondNanos / 1e6, firstEnd, cpuNanos / 1e6, status);
    }

    /**
     * The CRaC resource the handler registered. On a JDK without CRaC the global context
     * refuses to run its resources, so the probe reaches the handler's own (the field every
     * handler keeps its request pipeline in, and the pipeline's hook).
     */
    private static org.crac.Resource primingHook(RequestStreamHandler handler) throws Exception {
        java.lang.reflect.Field api = handler.getClass().getDeclaredField("api");
        api.setAccessible(true);
        Object pipeline = api.get(handler);
        java.lang.reflect.Method priming = pipeline.getClass().getDeclaredMethod("priming");
        priming.setAccessible(true);
        return (org.crac.Resource) priming.invoke(pipeline);
    }

    private static String invoke(RequestStreamHandler handler, byte[] event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, new BenchContext("bench"));
        return out.toString(StandardCharsets.UTF_8);
    }
}
