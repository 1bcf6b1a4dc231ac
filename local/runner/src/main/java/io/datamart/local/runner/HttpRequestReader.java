package io.datamart.local.runner;

import io.datamart.validation.Strings;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the HTTP/1.1 requests (RFC 9112) that come one after the other on one connection,
 * keeping what the client sent as it sent it: the method in its own case, the request
 * target unparsed (java.net.URI's rules are not HTTP's: a client can send {@code ?%zz} or
 * a raw {@code |}, and it is the function's job to refuse them), and each header value
 * but for the spaces and tabs around it.
 */
final class HttpRequestReader {
    /** Request line and header section together: the size API Gateway's HTTP API allows (10 KiB). */
    static final int MAX_HEADER_SECTION_BYTES = 10_240;
    /** Lambda takes a synchronous call's event up to 6 MB: a larger body could never reach a function. */
    static final int MAX_BODY_BYTES = 6 * 1024 * 1024;

    /** tchar (RFC 9110 5.6.2): what methods and header names are made of. */
    static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern HTTP_VERSION = Pattern.compile("HTTP/[0-9]\\.[0-9]");
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]+");

    /**
     * One request. The target is in origin form ({@code /path?query}); header names are
     * lower-cased and a repeated header's values joined with commas.
     */
    record Request(String method, String target, String version, Map<String, String> headers, byte[] body) {
        /** The target up to its first '?', still percent-encoded. */
        String rawPath() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        /** The target after its first '?' ("" without one), still percent-encoded. */
        String rawQuery() {
            int query = target.indexOf('?');
            return query < 0 ? "" : target.substring(query + 1);
        }

        String header(String lowerCaseName) {
            return headers.get(lowerCaseName);
        }

        /** HTTP/1.1 keeps the connection open unless the client says close; HTTP/1.0 only when asked to. */
        boolean keepsConnectionOpen() {
            return version.equals("HTTP/1.0") ? hasConnectionOption("keep-alive") : !hasConnectionOption("close");
        }

        private boolean hasConnectionOption(String option) {
            String connection = header("connection");
            return connection != null && Arrays.stream(connection.split(","))
                    .anyMatch(each -> withoutOptionalWhitespace(each).equalsIgnoreCase(option));
        }
    }

    /** A request the server answers itself, with this status, before any function sees it; then it closes. */
    static final class Refusal extends Exception {
        private final int status;

        Refusal(int status, String why) {
            super(why);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final InputStream input;
    private final OutputStream output;
    /** Bytes the line being read may still take: what is left of the header section's budget. */
    private int budget;

    /** {@code input} should be buffered (it is read byte by byte); {@code output} takes "100 Continue". */
    HttpRequestReader(InputStream input, OutputStream output) {
        this.input = input;
        this.output = output;
    }

    /** The next request, or null when the client closed the connection before starting one. */
    Request next() throws IOException, Refusal {
        budget = MAX_HEADER_SECTION_BYTES;
        byte[] requestLine;
        do {
            // A server should ignore empty lines before a request line (RFC 9112 2.2).
            requestLine = readLine(414);
            if (requestLine == null) {
                return null;
            }
        } while (requestLine.length == 0);
        String[] parts = new String(requestLine, StandardCharsets.ISO_8859_1).split(" ", -1);
        if (parts.length != 3 || !TOKEN.matcher(parts[0]).matches() || !HTTP_VERSION.matcher(parts[2]).matches()) {
            throw new Refusal(400, "not a request line: method, target and version separated by single spaces");
        }
        if (!parts[2].startsWith("HTTP/1.")) {
            throw new Refusal(505, "only HTTP/1.x is served");
        }
        // The event carries text: a target that is not UTF-8 cannot be passed on as sent.
        String target = Strings.strictUtf8(parts[1].getBytes(StandardCharsets.ISO_8859_1));
        if (target == null) {
            throw new Refusal(400, "a request target that is not UTF-8");
        }
        target = originForm(target);
        Map<String, String> headers = readFields(431);
        byte[] body = readBody(parts[2], headers);
        return new Request(parts[0], target, parts[2], headers, body);
    }

    /**
     * The target as {@code /path?query}. An absolute-form target ({@code http://host/path}),
     * which RFC 9112 3.2.2 says a server must accept, counts by its path and query only.
     */
    private static String originForm(String target) throws Refusal {
        if (target.startsWith("/")) {
            return target;
        }
        String lower = target.toLowerCase(Locale.ROOT);
        int authority = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (authority < 0) {
            throw new Refusal(400, "a request target that is neither /path nor http://host/path");
        }
        int path = authority;
        while (path < target.length() && target.charAt(path) != '/' && target.charAt(path) != '?') {
            path++;
        }
        String rest = target.substring(path);
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    /** Header (or trailer) fields up to the empty line that ends them. */
    private Map<String, String> readFields(int statusWhenTooLong) throws IOException, Refusal {
        Map<String, String> fields = new LinkedHashMap<>();
        for (byte[] line = requireLine(statusWhenTooLong); line.length > 0; line = requireLine(statusWhenTooLong)) {
            // ISO-8859-1: each byte one character, as the JDK's server read them.
            String field = new String(line, StandardCharsets.ISO_8859_1);
            int colon = field.indexOf(':');
            // A name must be a token: this also refuses obsolete line folding and whitespace
            // before the colon, which RFC 9112 5 says a server must not guess around.
            if (colon <= 0 || !TOKEN.matcher(field.substring(0, colon)).matches()) {
                throw new Refusal(400, "not a header field: name, colon, value");
            }
            String name = field.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = withoutOptionalWhitespace(field.substring(colon + 1));
            fields.merge(name, value, (earlier, later) -> earlier + "," + later);
        }
        return fields;
    }

    private byte[] readBody(String version, Map<String, String> headers) throws IOException, Refusal {
        String expect = headers.get("expect");
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            throw new Refusal(417, "the only expectation served is 100-continue");
        }
        String transferEncoding = headers.get("transfer-encoding");
        String contentLength = headers.get("content-length");
        if (transferEncoding != null) {
            if (contentLength != null) {
                // Two framings at once is how requests get smuggled past a proxy (RFC 9112 6.3).
                throw new Refusal(400, "both Transfer-Encoding and Content-Length");
            }
            if (!transferEncoding.equalsIgnoreCase("chunked")) {
                throw new Refusal(501, "the only transfer coding served is chunked");
            }
            sendContinueIfExpected(version, expect);
            return readChunks();
        }
        long length = contentLength == null ? 0 : contentLength(contentLength);
        if (length > MAX_BODY_BYTES) {
            throw new Refusal(413, "a body of more than " + MAX_BODY_BYTES + " bytes");
        }
        if (length == 0) {
            return new byte[0];
        }
        sendContinueIfExpected(version, expect);
        return readExactly((int) length);
    }

    /**
     * curl asks with {@code Expect: 100-continue} before sending a large body and waits for
     * this go-ahead (RFC 9110 10.1.1); it is only sent once the body is known to be acceptable.
     */
    private void sendContinueIfExpected(String version, String expect) throws IOException {
        if (expect != null && !version.equals("HTTP/1.0")) {
            output.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            output.flush();
        }
    }

    /** A Content-Length may be repeated, but only with the same number (RFC 9110 8.6). */
    private static long contentLength(String value) throws Refusal {
        String[] values = value.split(",", -1);
        String first = withoutOptionalWhitespace(values[0]);
        boolean oneNumber = !first.isEmpty() && first.chars().allMatch(c -> c >= '0' && c <= '9')
                && Arrays.stream(values).allMatch(each -> withoutOptionalWhitespace(each).equals(first));
        if (!oneNumber) {
            throw new Refusal(400, "a Content-Length that is not one number");
        }
        return first.length() > 18 ? Long.MAX_VALUE : Long.parseLong(first);
    }

    /** A chunked body (RFC 9112 7.1): chunk extensions and trailer fields are read and dropped. */
    private byte[] readChunks() throws IOException, Refusal {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            budget = MAX_HEADER_SECTION_BYTES;
            String line = new String(requireLine(400), StandardCharsets.ISO_8859_1);
            int extension = line.indexOf(';');
            String hex = withoutOptionalWhitespace(extension < 0 ? line : line.substring(0, extension));
            if (!HEX.matcher(hex).matches()) {
                throw new Refusal(400, "not a chunk size");
            }
            long size = hex.length() > 15 ? Long.MAX_VALUE : Long.parseLong(hex, 16);
            if (size > MAX_BODY_BYTES - body.size()) {
                throw new Refusal(413, "a body of more than " + MAX_BODY_BYTES + " bytes");
            }
            if (size == 0) {
                break;
            }
            body.writeBytes(readExactly((int) size));
            if (requireLine(400).length != 0) {
                throw new Refusal(400, "a chunk longer than its size");
            }
        }
        budget = MAX_HEADER_SECTION_BYTES;
        readFields(431);
        return body.toByteArray();
    }

    private byte[] readExactly(int length) throws IOException {
        byte[] bytes = input.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("the connection ended inside a body");
        }
        return bytes;
    }

    private byte[] requireLine(int statusWhenTooLong) throws IOException, Refusal {
        byte[] line = readLine(statusWhenTooLong);
        if (line == null) {
            throw new EOFException("the connection ended inside a request");
        }
        return line;
    }

    /**
     * One line without its line end, or null when the connection ends before its first
     * byte. CRLF ends a line, and so does a lone LF (RFC 9112 2.2 allows it); a CR anywhere
     * else is refused, as RFC 9112 2.2 asks, rather than passed on to a function.
     */
    private byte[] readLine(int statusWhenTooLong) throws IOException, Refusal {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = input.read(); b != '\n'; b = input.read()) {
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("the connection ended inside a line");
            }
            if (--budget < 0) {
                throw new Refusal(statusWhenTooLong, "more than " + MAX_HEADER_SECTION_BYTES + " bytes");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\r') {
                throw new Refusal(400, "a CR that does not end a line");
            }
        }
        return Arrays.copyOf(bytes, length);
    }

    /** The value without the whitespace around it, SP and HTAB, which RFC 9110 5.5 says is not part of it. */
    static String withoutOptionalWhitespace(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }
}
