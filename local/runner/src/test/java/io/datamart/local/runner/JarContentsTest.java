package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.local.ProjectFiles;
import io.datamart.local.TemplateModel;
import io.datamart.local.TemplateModel.FunctionDefinition;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the shade filters cut from the function jars (pom.xml) was not needed. bin/invoke's
 * tests run every event file through these jars; this covers the paths no event file
 * takes: the shapes DynamoDB's errors and the called operations' answers can carry, the
 * project's own classes, and the client's real endpoint.
 */
class JarContentsTest {
    private static final Pattern REFERENCE = Pattern.compile("L([\\w/$]+)[;<]");
    private static final String MODEL = "software/amazon/awssdk/services/dynamodb/model/";

    /** The DynamoDB operations some function calls; what their requests and answers can hold must stay. */
    private static final Set<String> CALLED = Set.of("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query",
            "Scan", "TransactWriteItems", "TransactGetItems", "BatchGetItem", "BatchWriteItem");

    static Stream<String> functions() {
        return TemplateModel.load(ProjectFiles.template()).functions().keySet().stream().sorted();
    }

    /**
     * Every shape reachable from the called operations' requests and responses and from
     * every DynamoDB exception (any call can answer with any of them) is in the jar. The
     * other operations' requests stay too, because the client's code names them, but what
     * they hold is cut: it is reached only when such an operation runs.
     */
    @ParameterizedTest
    @MethodSource("functions")
    void everyDynamoDbShapeACalledOperationOrAnErrorCanCarryIsInTheJar(String function) throws IOException {
        try (ZipFile zip = new ZipFile(jarOf(function).toFile())) {
            Set<String> present = classesIn(zip);
            Deque<String> toVisit = new ArrayDeque<>();
            present.stream().filter(name -> name.startsWith(MODEL)).filter(name -> {
                String shape = name.substring(MODEL.length()).split("\\$")[0];
                return shape.endsWith("Exception") || shape.startsWith("DynamoDb")
                        || CALLED.stream().anyMatch(operation -> shape.equals(operation + "Request")
                                || shape.equals(operation + "Response"));
            }).forEach(toVisit::add);
            assertTrue(toVisit.contains(MODEL + "TransactionCanceledException"), function);
            Set<String> visited = new TreeSet<>();
            Set<String> missing = new TreeSet<>();
            while (!toVisit.isEmpty()) {
                String shape = toVisit.pop();
                if (!visited.add(shape)) {
                    continue;
                }
                if (!present.contains(shape)) {
                    missing.add(shape);
                    continue;
                }
                references(zip, shape).stream().filter(name -> name.startsWith(MODEL)).forEach(toVisit::add);
            }
            assertEquals(Set.of(), missing, function + "'s jar lacks shapes a DynamoDB answer can carry");
        }
    }

    /** The project's classes, and the SQL parser the filters trim, refer to no class the jar lacks. */
    @ParameterizedTest
    @MethodSource("functions")
    void everyClassTheProjectAndTheSqlParserReferToIsInTheJar(String function) throws IOException {
        List<String> checked = List.of("io/datamart/", "net/sf/jsqlparser/");
        try (ZipFile zip = new ZipFile(jarOf(function).toFile())) {
            Set<String> present = classesIn(zip);
            Set<String> missing = new TreeSet<>();
            for (String owner : present) {
                if (checked.stream().anyMatch(owner::startsWith)) {
                    references(zip, owner).stream().filter(name -> checked.stream().anyMatch(name::startsWith))
                            .filter(name -> !present.contains(name)).forEach(name -> missing.add(owner + " -> " + name));
                }
            }
            assertEquals(Set.of(), missing, function + "'s jar lacks classes its own classes use");
        }
    }

    @Test
    void theApiFunctionsJarsCarryNoEventDrivenCode() throws IOException {
        for (String function : List.of("CreateDatamartFunction", "UpdateDatamartFunction", "DeleteDatamartFunction",
                "ReadDatamartsFunction")) {
            try (ZipFile zip = new ZipFile(jarOf(function).toFile())) {
                List<String> eventDriven = zip.stream().map(ZipEntry::getName)
                        .filter(name -> name.startsWith("io/datamart/provisioning/")
                                || name.startsWith("io/datamart/events/")
                                || name.startsWith("software/amazon/awssdk/services/sqs/")
                                || name.startsWith("software/amazon/awssdk/services/eventbridge/"))
                        .toList();
                assertEquals(List.of(), eventDriven, function);
                assertTrue(zip.getEntry("io/datamart/api/ApiGatewayHandler.class") != null, function);
            }
        }
    }

    @Test
    void theChangePublishersJarCarriesNoApiCodeNorWiring() throws IOException {
        try (ZipFile zip = new ZipFile(jarOf("PublishDatamartChangesFunction").toFile())) {
            List<String> apiCode = zip.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("io/datamart/api/") || name.startsWith("io/datamart/wiring/")
                            || name.startsWith("io/datamart/provisioning/")
                            || name.startsWith("software/amazon/awssdk/services/sqs/"))
                    .toList();
            assertEquals(List.of(), apiCode);
            assertTrue(zip.getEntry("io/datamart/events/DatamartChangesPipeline.class") != null);
        }
    }

    /**
     * The filters were checked against the local endpoint everywhere else; on Lambda the
     * client resolves DynamoDB's real endpoint, a path no local run takes. Here it does, in
     * a fresh JVM on the jar alone: the call can only fail for the network (AWS is not
     * reachable from the tests), never for a class the trim removed.
     */
    @Test
    void aFunctionJarResolvesDynamoDbsRealEndpointWithoutAMissingClass() throws Exception {
        Path jar = jarOf("CreateDatamartFunction");
        Path probe = Path.of(RealEndpointProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", jar + File.pathSeparator + probe,
                RealEndpointProbe.class.getName()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_") || name.endsWith("_ENDPOINT"));
        builder.environment().putAll(Map.of("AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "probe",
                "AWS_SECRET_ACCESS_KEY", "probe"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), output);
        assertTrue(output.contains("endpoint https://dynamodb.eu-west-1.amazonaws.com"), output);
        assertTrue(output.contains("failed with software.amazon.awssdk.core.exception.SdkClientException"), output);
        assertFalse(output.contains("NoClassDefFoundError") || output.contains("ClassNotFoundException")
                || output.contains("VerifyError"), output);
    }

    /** The class names in a class file's constant pool: class entries and those named in descriptors. */
    private static Set<String> classesIn(ZipFile zip) {
        Set<String> present = new TreeSet<>();
        zip.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".class"))
                .forEach(name -> present.add(name.substring(0, name.length() - ".class".length())));
        return present;
    }

    private static Set<String> references(ZipFile zip, String className) throws IOException {
        try (var in = zip.getInputStream(zip.getEntry(className + ".class"))) {
            return references(in.readAllBytes());
        }
    }

    static Set<String> references(byte[] classFile) {
        Set<String> names = new TreeSet<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            in.skipNBytes(8);
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classEntries = new ArrayList<>();
            for (int index = 1; index < count; index++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[index] = in.readUTF();
                    case 7 -> classEntries.add(in.readUnsignedShort());
                    case 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        index++; // longs and doubles take two entries
                    }
                    default -> throw new IllegalStateException("constant pool tag " + tag);
                }
            }
            for (int entry : classEntries) {
                collect(utf8[entry].startsWith("[") ? utf8[entry] : "L" + utf8[entry] + ";", names);
            }
            for (String text : utf8) {
                if (text != null && (text.startsWith("(") || text.startsWith("L"))) {
                    collect(text, names);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static void collect(String descriptor, Set<String> names) {
        Matcher matcher = REFERENCE.matcher(descriptor);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
    }

    private static Path jarOf(String function) {
        FunctionDefinition definition = TemplateModel.load(ProjectFiles.template()).functions().get(function);
        return definition.code();
    }
}
