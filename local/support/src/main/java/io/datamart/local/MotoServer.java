package io.datamart.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * moto, the open-source AWS emulator (Apache-2.0), as a child process on a loopback port,
 * started through {@code local/moto/serve.py}: requests one at a time, so conditional
 * writes are as atomic as DynamoDB's, and the tables optionally kept in a data folder.
 *
 * <p>It stops when {@link #close()} is called, when the JVM exits, and when the JVM is
 * killed: the server watches the pipe this class holds open on its standard input.
 */
public final class MotoServer implements AutoCloseable {
    /** The one line a user sees when moto is missing: what to install, and how. */
    public static final String INSTALL_HINT = "moto is not installed: pip install 'moto[server]' (moto 5.x, Python 3)";
    /** What serve.py exits with when it cannot import moto. */
    private static final int NOT_INSTALLED = 3;
    private static final Pattern LISTENING = Pattern.compile("moto listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static final long START_TIMEOUT_SECONDS = 60;

    /** moto cannot run here (not installed, no Python, no free port): one line says why. */
    public static final class UnavailableException extends RuntimeException {
        public UnavailableException(String message) {
            super(message, null, false, false); // the message is the whole story: no stack trace
        }
    }

    private final Process process;
    private final OutputStream lifeline;
    private final URI endpoint;
    private final Path log;
    private final Thread shutdownHook;

    private MotoServer(Process process, URI endpoint, Path log) {
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.endpoint = endpoint;
        this.log = log;
        this.shutdownHook = new Thread(this::stop, "moto-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts moto on 127.0.0.1 and waits until it answers.
     *
     * @param dataDir where to keep the tables across restarts, or null to keep them in memory
     * @param port    the port, or 0 for a free one
     * @throws UnavailableException when it cannot start, with the reason in one line
     */
    public static MotoServer start(Path dataDir, int port) {
        return start(List.of("python3"), dataDir, port);
    }

    /** The same with another Python command: how a test runs it on a Python that lacks moto. */
    static MotoServer start(List<String> python, Path dataDir, int port) {
        List<String> command = new ArrayList<>(python);
        command.addAll(List.of(ProjectFiles.motoLauncher().toString(), "--port", Integer.toString(port),
                "--exit-with-stdin"));
        if (dataDir != null) {
            command.addAll(List.of("--data-dir", dataDir.toAbsolutePath().toString()));
        }
        Path log;
        Process process;
        try {
            log = Files.createTempFile("moto-", ".log");
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        } catch (IOException e) {
            throw new UnavailableException("cannot run python3 (" + e.getMessage() + "); moto needs Python 3, then "
                    + "pip install 'moto[server]'");
        }
        String firstLine = firstLine(process);
        Matcher listening = firstLine == null ? null : LISTENING.matcher(firstLine);
        if (listening == null || !listening.find()) {
            process.destroyForcibly();
            String reason = waitForExit(process) == NOT_INSTALLED ? INSTALL_HINT
                    : "moto did not start on port " + port + ": " + lastLine(log);
            delete(log);
            throw new UnavailableException(reason);
        }
        MotoServer server = new MotoServer(process, URI.create(listening.group(1)), log);
        drain(process.getInputStream());
        return server;
    }

    /** Whether this machine can start moto: python3 runs and imports it. */
    public static boolean installed() {
        try {
            Process check = new ProcessBuilder("python3", "-c", "import moto.moto_server.werkzeug_app")
                    .redirectErrorStream(true).start();
            check.getInputStream().transferTo(OutputStream.nullOutputStream());
            return check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The server's process id, for the tests that check it is gone. */
    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException exiting) {
            // the JVM is already shutting down; the hook runs stop() again, harmlessly
        }
    }

    /** Closing its standard input is how serve.py is asked to stop: between two requests. */
    private synchronized void stop() {
        if (!process.isAlive()) {
            delete(log);
            return;
        }
        try {
            lifeline.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        delete(log);
    }

    private static String firstLine(Process process) {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            return line.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int waitForExit(Process process) {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            return process.isAlive() ? -1 : process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The last line serve.py or moto wrote on stderr: the reason it stopped. */
    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank()).toList();
            return lines.isEmpty() ? "it printed nothing" : lines.get(lines.size() - 1).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** moto may print on stdout now and then; a full pipe would stall it. */
    private static void drain(InputStream output) {
        Thread drain = new Thread(() -> {
            try (output) {
                output.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ended) {
                // the process is gone
            }
        }, "moto-stdout");
        drain.setDaemon(true);
        drain.start();
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file; the system cleans its temp folder
        }
    }
}
