package io.datamart.local.runner;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * A small HTTP/1.1 server on 127.0.0.1, one virtual thread per connection, connections
 * kept open between requests. It stands in for the JDK's com.sun.net.httpserver, which
 * answers every request target java.net.URI cannot parse ({@code ?%zz}, a raw {@code |})
 * with its own HTML page before any handler runs, upper-cases methods and trims control
 * characters off header values. API Gateway does none of that.
 * {@link HttpRequestReader} reads the requests; this class answers them.
 */
final class LoopbackHttpServer implements AutoCloseable {
    /** How long a connection may wait for the client's next bytes: the JDK server's idle time. */
    private static final int IDLE_MILLIS = 30_000;
    /**
     * After the last answer on a connection, how much of what the client still sends (a body
     * it was refused, say) to read and drop, and for how long at most between reads: closing
     * with unread bytes makes the kernel reset the connection, and the client may then lose
     * the answer.
     */
    private static final int MAX_DRAINED_BYTES = 1024 * 1024;
    private static final int DRAIN_MILLIS = 2_000;
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);
    /** Framing is the server's to write, whatever a function's response says. */
    private static final Set<String> FRAMING_HEADERS = Set.of("content-length", "transfer-encoding", "connection");

    /** An answer: status, headers, body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        Response {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("not a final HTTP status: " + status);
            }
            headers.forEach((name, value) -> {
                // A CR or LF would end the header early and let a value write headers of its own.
                boolean breaksLine = value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0;
                if (!HttpRequestReader.TOKEN.matcher(name).matches() || breaksLine) {
                    throw new IllegalArgumentException("not a header that can be sent: " + name);
                }
            });
        }

        /** {@code {"message": "<reason phrase>"}}: how API Gateway words its own answers. */
        static Response message(int status) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            return new Response(status, headers,
                    ("{\"message\":\"" + reason(status) + "\"}").getBytes(StandardCharsets.UTF_8));
        }
    }

    @FunctionalInterface
    interface Handler {
        Response handle(HttpRequestReader.Request request, InetAddress client) throws Exception;
    }

    private final ServerSocket listener;
    private final PrintStream errors;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

    private LoopbackHttpServer(ServerSocket listener, PrintStream errors) {
        this.listener = listener;
        this.errors = errors;
    }

    /** Binds 127.0.0.1:{@code port} (0: any free port); requests are answered once {@link #serve} is called. */
    static LoopbackHttpServer bind(int port, PrintStream errors) throws IOException {
        return new LoopbackHttpServer(new ServerSocket(port, 0, InetAddress.getLoopbackAddress()), errors);
    }

    void serve(Handler handler) {
        threads.execute(() -> acceptConnections(handler));
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException alreadyGone) {
            // Nothing left to release.
        }
        connections.forEach(LoopbackHttpServer::closeQuietly);
        threads.shutdownNow();
    }

    private void acceptConnections(Handler handler) {
        while (!listener.isClosed()) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (IOException failure) {
                if (!listener.isClosed()) {
                    failure.printStackTrace(errors);
                }
                continue;
            }
            connections.add(connection);
            try {
                threads.execute(() -> serve(connection, handler));
            } catch (RejectedExecutionException closing) {
                closeQuietly(connection);
            }
        }
    }

    /** Answers the connection's requests in turn until either side closes it. */
    private void serve(Socket connection, Handler handler) {
        try (connection) {
            connection.setSoTimeout(IDLE_MILLIS);
            // Answers are small and written at once: waiting to fill a packet would only add latency.
            connection.setTcpNoDelay(true);
            OutputStream output = new BufferedOutputStream(connection.getOutputStream());
            HttpRequestReader requests =
                    new HttpRequestReader(new BufferedInputStream(connection.getInputStream()), output);
            while (true) {
                HttpRequestReader.Request request;
                try {
                    request = requests.next();
                } catch (HttpRequestReader.Refusal refusal) {
                    // The answer names only the status, in API Gateway's {"message": ...} shape; the log says why.
                    errors.println("local API: refused a request (" + refusal.status() + "): " + refusal.getMessage());
                    write(output, Response.message(refusal.status()), false, "close");
                    closeGracefully(connection);
                    return;
                }
                if (request == null) {
                    return;
                }
                boolean keepOpen = request.keepsConnectionOpen();
                Response response = answer(handler, request, connection.getInetAddress());
                // HTTP/1.0 closes by default, so keeping its connection open must be said.
                String connectionHeader = !keepOpen ? "close"
                        : request.version().equals("HTTP/1.0") ? "keep-alive" : null;
                write(output, response, request.method().equals("HEAD"), connectionHeader);
                if (!keepOpen) {
                    closeGracefully(connection);
                    return;
                }
            }
        } catch (IOException gone) {
            // The client went away or stayed silent too long: there is no one left to answer.
        } finally {
            connections.remove(connection);
        }
    }

    private Response answer(Handler handler, HttpRequestReader.Request request, InetAddress client) {
        try {
            return handler.handle(request, client);
        } catch (Exception failure) {
            failure.printStackTrace(errors);
            return Response.message(500);
        }
    }

    /** The answer with Content-Length; no body for HEAD (only its length), none at all for 204 and 304. */
    private static void write(OutputStream output, Response response, boolean headOnly, String connectionHeader)
            throws IOException {
        int status = response.status();
        boolean bodiless = status == 204 || status == 304;
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\n");
        boolean dated = false;
        for (Map.Entry<String, String> header : response.headers().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!FRAMING_HEADERS.contains(name)) {
                head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
                dated |= name.equals("date");
            }
        }
        if (!dated) {
            head.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        }
        if (!bodiless) {
            head.append("Content-Length: ").append(response.body().length).append("\r\n");
        }
        if (connectionHeader != null) {
            head.append("Connection: ").append(connectionHeader).append("\r\n");
        }
        output.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!headOnly && !bodiless) {
            output.write(response.body());
        }
        output.flush();
    }

    /**
     * Closes the connection so that the client still reads the last answer: sends the end
     * of the stream, then reads and drops what the client is still sending, within bounds.
     */
    private static void closeGracefully(Socket connection) throws IOException {
        connection.shutdownOutput();
        connection.setSoTimeout(DRAIN_MILLIS);
        InputStream rest = connection.getInputStream();
        byte[] dropped = new byte[8192];
        long total = 0;
        for (int read = rest.read(dropped); read >= 0 && total < MAX_DRAINED_BYTES; read = rest.read(dropped)) {
            total += read;
        }
    }

    private static void closeQuietly(Socket connection) {
        try {
            connection.close();
        } catch (IOException alreadyGone) {
            // Nothing left to release.
        }
    }

    /** RFC 9110's reason phrases for the statuses this API and this server answer with. */
    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }
}
