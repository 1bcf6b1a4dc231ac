package io.datamart.local.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.local.TemplateModel.FunctionDefinition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One function of template.yaml, run the way Lambda runs it: its jar alone on
 * its own class loader (so a jar missing a class fails here as it would there), the
 * handler class and method the template names, called with the event's bytes. Logs go
 * to {@code logs} as Lambda's JSON log lines.
 */
public final class LocalFunction implements AutoCloseable {
    private static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";
    private static final String LOGGER = "com.amazonaws.services.lambda.runtime.LambdaLogger";
    /** The constructor seam: locally the environment is passed in, on Lambda it is the process's. */
    private static final String API = "io.datamart.wiring.DatamartApi";

    private final FunctionDefinition definition;
    private final URLClassLoader loader;
    private final Object handler;
    private final Method method;
    private final PrintStream logs;

    private LocalFunction(FunctionDefinition definition, URLClassLoader loader, Object handler, Method method,
            PrintStream logs) {
        this.definition = definition;
        this.loader = loader;
        this.handler = handler;
        this.method = method;
        this.logs = logs;
    }

    /** Loads and initialises the function, failing with what Lambda would report for a broken one. */
    public static LocalFunction load(FunctionDefinition definition, Map<String, String> environment, PrintStream logs) {
        String id = definition.logicalId();
        if (!Files.isRegularFile(definition.code())) {
            throw new IllegalStateException(id + ": its jar (CodeUri) " + definition.code()
                    + " does not exist; build it with: mvn -DskipTests package");
        }
        String[] handlerParts = definition.handler().split("::", 2);
        String className = handlerParts[0];
        String methodName = handlerParts.length == 2 ? handlerParts[1] : "handleRequest";
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("function:" + id, new URL[] {definition.code().toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Class<?> handlerClass = Class.forName(className, true, loader);
            Class<?> contextClass = Class.forName(CONTEXT, false, loader);
            Method method = handlerClass.getMethod(methodName, InputStream.class, OutputStream.class, contextClass);
            if (!Modifier.isPublic(handlerClass.getModifiers())) {
                throw new IllegalStateException(id + ": handler class " + className + " is not public");
            }
            handlerClass.getConstructor(); // Lambda instantiates it with this one
            return new LocalFunction(definition, loader, construct(handlerClass, loader, environment), method, logs);
        } catch (ClassNotFoundException e) {
            close(loader);
            throw new IllegalStateException(id + ": handler " + definition.handler() + ": class " + e.getMessage()
                    + " is not in " + definition.code().getFileName(), e);
        } catch (NoSuchMethodException e) {
            close(loader);
            throw new IllegalStateException(id + ": handler " + definition.handler()
                    + ": no public " + methodName + "(InputStream, OutputStream, Context) and no-argument "
                    + "constructor, or no constructor taking a Map (the environment) or " + API + " to run it locally", e);
        } catch (InvocationTargetException e) {
            close(loader);
            throw new IllegalStateException(id + ": initialisation failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            close(loader);
            throw new IllegalStateException(id + ": cannot instantiate " + className + ": " + e, e);
        }
    }

    /**
     * Through the handler's seam: a constructor taking the environment, for functions that
     * need no DynamoDB, or one taking the DatamartApi built from it.
     */
    private static Object construct(Class<?> handlerClass, ClassLoader loader, Map<String, String> environment)
            throws ReflectiveOperationException {
        try {
            return handlerClass.getConstructor(Map.class).newInstance(Map.copyOf(environment));
        } catch (NoSuchMethodException noEnvironmentSeam) {
            Class<?> apiClass = Class.forName(API, true, loader);
            Object api = apiClass.getMethod("fromEnvironment", Map.class).invoke(null, Map.copyOf(environment));
            return handlerClass.getConstructor(apiClass).newInstance(api);
        }
    }

    public String logicalId() {
        return definition.logicalId();
    }

    /** Runs one invocation; the handler's exception, if any, is rethrown as is. */
    public byte[] invoke(byte[] event) throws Exception {
        String requestId = UUID.randomUUID().toString();
        long deadline = System.currentTimeMillis() + definition.timeoutSeconds() * 1000L;
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            method.invoke(handler, new ByteArrayInputStream(event), response, context(requestId, deadline));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception exception ? exception : e;
        } finally {
            thread.setContextClassLoader(previous);
        }
        return response.toByteArray();
    }

    @Override
    public void close() {
        close(loader);
    }

    private Object context(String requestId, long deadline) throws ClassNotFoundException {
        Class<?> contextClass = Class.forName(CONTEXT, false, loader);
        Class<?> loggerClass = Class.forName(LOGGER, false, loader);
        Object logger = proxy(loggerClass, (proxy, m, args) -> {
            if (m.getName().equals("log") && args != null && args.length >= 1) {
                String message = args[0] instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                        : String.valueOf(args[0]);
                String level = args.length > 1 ? String.valueOf(args[1]) : "INFO";
                logLine(requestId, level, message);
                return null;
            }
            return fallback(proxy, m, args);
        });
        String id = definition.logicalId();
        return proxy(contextClass, (proxy, m, args) -> switch (m.getName()) {
            case "getAwsRequestId" -> requestId;
            case "getLogGroupName" -> "/aws/lambda/" + id;
            case "getLogStreamName" -> "local";
            case "getFunctionName" -> id;
            case "getFunctionVersion" -> "$LATEST";
            case "getInvokedFunctionArn" -> "arn:aws:lambda:us-east-1:000000000000:function:" + id;
            case "getRemainingTimeInMillis" -> (int) Math.max(0, deadline - System.currentTimeMillis());
            case "getMemoryLimitInMB" -> 1024;
            case "getLogger" -> logger;
            default -> fallback(proxy, m, args);
        });
    }

    /**
     * A function's line as Lambda stores it under the template's Text log format, with the
     * function's id added so the local log tells the functions apart: the functions write
     * JSON objects, which keep their fields at the top level; anything else is wrapped in one.
     */
    private void logLine(String requestId, String level, String message) {
        ObjectNode line = null;
        try {
            if (io.datamart.api.Json.MAPPER.readTree(message) instanceof ObjectNode object) {
                line = object;
            }
        } catch (IOException notJson) {
            // a plain-text line: wrapped below
        }
        if (line == null) {
            line = io.datamart.api.Json.MAPPER.createObjectNode()
                    .put("timestamp", Instant.now().toString())
                    .put("level", level)
                    .put("requestId", requestId)
                    .put("message", message.strip());
        }
        logs.println(line.put("function", definition.logicalId()));
    }

    private static Object proxy(Class<?> type, InvocationHandler handler) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }

    /** Default methods run as written; anything else the handlers do not use answers null. */
    private static Object fallback(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        return switch (method.getName()) {
            case "toString" -> "LocalContext";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> null;
        };
    }

    private static void close(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
