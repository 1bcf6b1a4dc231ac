package io.datamart.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
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
 * <p>It stops when {@link #close()} is called and when the JVM ends, however it ends:
 * the server watches the pipe this class holds open on its standard input, which the
 * operating system closes with the JVM. serve.py words every failure in one line; this
 * class passes that line on.
 */
public final class MotoServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("moto listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final List<String> PYTHON = List.of("python3");

    /** moto cannot run here (not installed, no Python, no free port): one line says why. */
    public static final class UnavailableException extends RuntimeException {
        public UnavailableException(String message) {
            super(message, null, false, false); // the message is the whole story: no stack trace
        }
    }

    private final Process process;
    private final URI endpoint;
    private final StderrTail stderr;
    private volatile boolean closing;

    private MotoServer(Process process, URI endpoint, StderrTail stderr) {
        this.process = process;
        this.endpoint = endpoint;
        this.stderr = stderr;
    }

    /**
     * Starts moto on 127.0.0.1 and waits until it answers.
     *
     * @param dataDir where to keep the tables across restarts, or null to keep them in memory
     * @param port    the port, or 0 for a free one
     * @throws UnavailableException when it cannot start, with the reason in one line
     */
    public static MotoServer start(Path dataDir, int port) {
        return start(PYTHON, dataDir, port);
    }

    /** The same with another Python command: how a test runs it on a Python that lacks moto. */
    static MotoServer start(List<String> python, Path dataDir, int port) {
        List<String> arguments = new ArrayList<>(List.of("--port", Integer.toString(port), "--exit-with-stdin"));
        if (dataDir != null) {
            arguments.addAll(List.of("--data-dir", dataDir.toAbsolutePath().toString()));
        }
        Process process = launch(python, arguments);
        StderrTail stderr = StderrTail.follow(process.getErrorStream());
        String firstLine = firstLine(process);
        Matcher listening = firstLine == null ? null : LISTENING.matcher(firstLine);
        if (listening == null || !listening.find()) {
            process.destroyForcibly();
            waitFor(process);
            throw new UnavailableException(stderr.lastLine("moto did not start on port " + port));
        }
        MotoServer server = new MotoServer(process, URI.create(listening.group(1)), stderr);
        drain(process.getInputStream());
        process.onExit().thenRun(server::reportAnUnexpectedStop);
        return server;
    }

    /** Why moto cannot run here, in one line; empty when it can. */
    public static Optional<String> missing() {
        return missing(PYTHON);
    }

    static Optional<String> missing(List<String> python) {
        Process check;
        try {
            check = launch(python, List.of("--check"));
        } catch (UnavailableException noPython) {
            return Optional.of(noPython.getMessage());
        }
        StderrTail stderr = StderrTail.follow(check.getErrorStream());
        drain(check.getInputStream());
        return waitFor(check) == 0 ? Optional.empty() : Optional.of(stderr.lastLine("moto cannot run here"));
    }

    private static Process launch(List<String> python, List<String> arguments) {
        List<String> command = new ArrayList<>(python);
        command.add(ProjectFiles.motoLauncher().toString());
        command.addAll(arguments);
        try {
            return new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UnavailableException("cannot run " + python.get(0) + " (" + e.getMessage()
                    + "); the local AWS is moto: install Python 3, then pip install 'moto[server]'");
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The server's process id, for the tests that check it is gone. */
    long pid() {
        return process.pid();
    }

    /** Closing its standard input is how serve.py is asked to stop: between two requests. */
    @Override
    public void close() {
        closing = true;
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A server that stops on its own leaves every request failing: say why, once. */
    private void reportAnUnexpectedStop() {
        if (!closing) {
            PrintStream err = System.err;
            err.println("error: the local AWS (moto) stopped unexpectedly, exit " + process.exitValue() + ": "
                    + stderr.lastLine("it said nothing"));
        }
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

    private static int waitFor(Process process) {
        try {
            return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** moto may print on stdout now and then; a full pipe would stall it. */
    private static void drain(InputStream output) {
        daemon("moto-stdout", () -> {
            try (output) {
                output.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ended) {
                // the process is gone
            }
        });
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The last lines serve.py or moto wrote on stderr, read as they come so the pipe never fills. */
    private static final class StderrTail {
        private static final int KEPT = 20;
        private final Deque<String> lines = new ArrayDeque<>();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();

        static StderrTail follow(InputStream stderr) {
            StderrTail tail = new StderrTail();
            daemon("moto-stderr", () -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        tail.add(line);
                    }
                } catch (IOException ended) {
                    // the process is gone
                } finally {
                    tail.ended.complete(null);
                }
            });
            return tail;
        }

        private synchronized void add(String line) {
            if (!line.isBlank()) {
                lines.addLast(line.strip());
                if (lines.size() > KEPT) {
                    lines.removeFirst();
                }
            }
        }

        /** The last line, once the process has closed stderr (or after a short wait), else {@code otherwise}. */
        String lastLine(String otherwise) {
            try {
                ended.get(5, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // still running: what it said so far
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                return lines.isEmpty() ? otherwise : lines.getLast();
            }
        }
    }
}
