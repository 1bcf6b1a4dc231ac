package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.error.InvalidRequestException;
import io.datamart.testing.ApiCall;
import io.datamart.testing.EventFiles;
import io.datamart.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** API Gateway events, HTTP API (payload 2.0) and REST API (payload 1.0), read into one ApiRequest. */
class ApiEventParserTest {
    private static final String PATH = "/api/v2/data-app/datamarts";

    static ApiRequest parse(String event) throws IOException {
        return ApiEventParser.parse(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
    }

    static ApiRequest parse(ObjectNode event) throws IOException {
        return parse(event.toString());
    }

    static ObjectNode node(String event) {
        return Fixtures.object(event);
    }

    /** A minimal HTTP API event, as API Gateway sends it for a named route. */
    static ObjectNode httpApiEvent(String method, String path, String rawQuery) {
        ObjectNode event = node("""
                {"version": "2.0", "headers": {}, "requestContext": {"stage": "$default", "http": {}}, "isBase64Encoded": false}
                """);
        event.put("routeKey", method + " " + path).put("rawPath", path).put("rawQueryString", rawQuery);
        ((ObjectNode) event.get("requestContext").get("http")).put("method", method).put("path", path);
        return event;
    }

    static ApiRequest withRawQuery(String rawQuery) throws IOException {
        return parse(httpApiEvent("DELETE", PATH, rawQuery));
    }

    // ---------------------------------------------------------------------------------------------
    // Both payload versions
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ApiCall.Payload.class)
    void readsMethodPathHeadersAndBodyOfEitherPayload(ApiCall.Payload payload) throws IOException {
        String body = "{\"name\": \"été 😀\"}";
        ApiRequest request = parse(ApiCall.to(payload, "POST", PATH).bearer("tok").json(body).event());
        assertEquals("POST", request.method());
        assertEquals(PATH, request.path());
        assertEquals("Bearer tok", request.header("authorization"));
        assertEquals("application/json", request.header("Content-Type"));
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), request.body());
    }

    @ParameterizedTest
    @EnumSource(ApiCall.Payload.class)
    void readsRepeatedQueryParametersOfEitherPayloadInOrder(ApiCall.Payload payload) throws IOException {
        ApiRequest request = parse(ApiCall.to(payload, "DELETE", PATH)
                .query("datamartName", "a").query("datamartName", "b,c").query("other", "x").event());
        assertEquals(List.of("a", "b,c"), request.queryValues("datamartName"));
        assertEquals(List.of("x"), request.queryValues("other"));
        assertEquals(List.of(), request.queryValues("missing"));
    }

    @ParameterizedTest
    @EnumSource(ApiCall.Payload.class)
    void hasNoBodyWhenTheEventHasNone(ApiCall.Payload payload) throws IOException {
        assertNull(parse(ApiCall.to(payload, "DELETE", PATH).query("datamartName", "m").event()).body());
    }

    @Test
    void decodesTheBase64SampleEventToAJsonBody() throws IOException {
        Path file = EventFiles.in("create").stream().filter(f -> f.getFileName().toString().contains("base64"))
                .findFirst().orElseThrow();
        ApiRequest request = parse(EventFiles.read(file));
        ObjectNode body = Fixtures.object(new String(request.body(), StandardCharsets.UTF_8));
        assertEquals("sales-analytics", body.get("name").textValue());
        assertEquals(Fixtures.DATASOURCE, body.get("datasourceName").textValue());
    }

    // ---------------------------------------------------------------------------------------------
    // Headers
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"authorization", "Authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"})
    void findsAHeaderWhateverTheCaseOfItsNameInTheEvent(String name) throws IOException {
        ObjectNode http = httpApiEvent("POST", PATH, "");
        ((ObjectNode) http.get("headers")).put(name, "Bearer a");
        ObjectNode rest = node("{\"httpMethod\": \"POST\", \"path\": \"" + PATH + "\", \"headers\": {}}");
        ((ObjectNode) rest.get("headers")).put(name, "Bearer b");
        for (String lookup : new String[] {"authorization", "Authorization", "AUTHORIZATION"}) {
            assertEquals("Bearer a", parse(http).header(lookup), lookup);
            assertEquals("Bearer b", parse(rest).header(lookup), lookup);
        }
    }

    @Test
    void readsRestMultiValueHeadersWhenTheSingleValueMapIsNull() throws IOException {
        ApiRequest request = parse("""
                {"httpMethod": "POST", "path": "/api/v2/data-app/datamarts", "headers": null,
                 "multiValueHeaders": {"Content-Type": ["application/json"], "authorization": ["Bearer t"]}}
                """);
        assertEquals("application/json", request.header("content-type"));
        assertEquals("Bearer t", request.header("Authorization"));
    }

    @Test
    void joinsTheValuesOfARepeatedRestHeaderWithCommas() throws IOException {
        ApiRequest request = parse("""
                {"httpMethod": "POST", "path": "/api/v2/data-app/datamarts",
                 "headers": {"X-Forwarded-For": "10.0.0.2"},
                 "multiValueHeaders": {"X-Forwarded-For": ["10.0.0.1", "10.0.0.2"]}}
                """);
        assertEquals("10.0.0.1,10.0.0.2", request.header("x-forwarded-for"));
    }

    @Test
    void mergesMultiValueHeadersWhoseNamesDifferOnlyInCase() throws IOException {
        ApiRequest request = parse("""
                {"httpMethod": "POST", "path": "/api/v2/data-app/datamarts",
                 "multiValueHeaders": {"Accept": ["a/b"], "accept": ["c/d"]}}
                """);
        assertEquals("a/b,c/d", request.header("ACCEPT"));
    }

    @Test
    void hasNoHeadersWhenTheEventHasNone() throws IOException {
        ApiRequest request = parse("{\"httpMethod\": \"DELETE\", \"path\": \"" + PATH + "\"}");
        assertNull(request.header("authorization"));
        assertTrue(request.headers().isEmpty());
    }

    // ---------------------------------------------------------------------------------------------
    // Bodies
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ApiCall.Payload.class)
    void decodesABase64BodyToItsBytes(ApiCall.Payload payload) throws IOException {
        String body = "{\"name\": \"ünïcödé 😀\"}";
        ApiRequest request = parse(ApiCall.to(payload, "POST", PATH).json(body).base64Encoded().event());
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), request.body());
    }

    @Test
    void keepsABodyThatIsNotMarkedBase64AsItsUtf8Bytes() throws IOException {
        ObjectNode event = httpApiEvent("POST", PATH, "");
        event.put("body", "e30=");
        assertArrayEquals("e30=".getBytes(StandardCharsets.UTF_8), parse(event).body());
        event.put("isBase64Encoded", true);
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), parse(event).body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64!", "@@@@", "e3=0", "{\"name\": \"x\"}"})
    void rejectsABodyMarkedBase64ThatIsNotWhenTheBodyIsRead(String body) throws IOException {
        ObjectNode event = httpApiEvent("POST", PATH, "");
        event.put("body", body).put("isBase64Encoded", true);
        ApiRequest request = parse(event);
        assertEquals(PATH, request.path(), "the route still matches: the body is decoded only when read");
        InvalidRequestException rejected = assertThrows(InvalidRequestException.class, request::body);
        assertTrue(rejected.getMessage().contains("base64"), rejected::getMessage);
    }

    @Test
    void rejectsAnInvalidBase64BodyOfARestEventWhenTheBodyIsRead() throws IOException {
        ApiRequest request = parse("""
                {"httpMethod": "POST", "path": "/api/v2/data-app/datamarts", "body": "%%%", "isBase64Encoded": true}
                """);
        assertThrows(InvalidRequestException.class, request::body);
    }

    @Test
    void rejectsABodyStringHoldingAnUnpairedSurrogateWhenTheBodyIsRead() throws IOException {
        ApiRequest request = parse("""
                {"httpMethod": "POST", "path": "/api/v2/data-app/datamarts", "body": "{\\"name\\": \\"\\ud800\\"}"}
                """);
        assertEquals("Request body is not valid Unicode",
                assertThrows(InvalidRequestException.class, request::body).getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // Query strings
    // ---------------------------------------------------------------------------------------------

    @Test
    void readsEveryValueOfARepeatedRawQueryParameter() throws IOException {
        assertEquals(List.of("a", "b", "a"), withRawQuery("datamartName=a&datamartName=b&datamartName=a")
                .queryValues("datamartName"));
    }

    @Test
    void prefersTheRawQueryStringToTheCommaJoinedParameters() throws IOException {
        ObjectNode event = httpApiEvent("DELETE", PATH, "datamartName=a&datamartName=b");
        event.putObject("queryStringParameters").put("datamartName", "a,b");
        assertEquals(List.of("a", "b"), parse(event).queryValues("datamartName"));
    }

    @Test
    void keepsAnEncodedCommaInsideOneValue() throws IOException {
        assertEquals(List.of("a,b"), withRawQuery("datamartName=a%2Cb").queryValues("datamartName"));
    }

    @Test
    void decodesAnEncodedPlusAsAPlus() throws IOException {
        assertEquals(List.of("a+b"), withRawQuery("datamartName=a%2Bb").queryValues("datamartName"));
    }

    @Test
    void decodesAPlusAsASpace() throws IOException {
        assertEquals(List.of("a b"), withRawQuery("datamartName=a+b").queryValues("datamartName"));
        assertEquals(List.of("a b"), withRawQuery("datamartName=a%20b").queryValues("datamartName"));
    }

    @Test
    void decodesPercentEncodedUtf8AndEncodedNames() throws IOException {
        ApiRequest request = withRawQuery("datamart%4Eame=caf%C3%A9%20%F0%9F%98%80&x=%26%3D%25");
        assertEquals(List.of("café 😀"), request.queryValues("datamartName"));
        assertEquals(List.of("&=%"), request.queryValues("x"));
    }

    @Test
    void readsAParameterWithoutAValueAsEmptyAndSkipsEmptyPairs() throws IOException {
        ApiRequest request = withRawQuery("&datamartName&&x=1=2&");
        assertEquals(List.of(""), request.queryValues("datamartName"));
        assertEquals(List.of("1=2"), request.queryValues("x"));
        assertEquals(2, request.query().size());
    }

    @Test
    void readsAnEmptyRawQueryStringAsNoParameters() throws IOException {
        assertTrue(withRawQuery("").query().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"datamartName=%", "datamartName=a%2", "datamartName=%zz", "datamartName=%G1",
            "%=x", "datamartName=100%"})
    void rejectsMalformedPercentEncodingWhenTheQueryIsRead(String rawQuery) throws IOException {
        ApiRequest request = withRawQuery(rawQuery); // the route and the token are checked first
        InvalidRequestException rejected = assertThrows(InvalidRequestException.class, request::query);
        assertTrue(rejected.getMessage().contains("percent-encoding"), rejected::getMessage);
    }

    @Test
    void fallsBackToQueryStringParametersWithoutARawQueryString() throws IOException {
        ObjectNode event = httpApiEvent("DELETE", PATH, "");
        event.remove("rawQueryString");
        event.putObject("queryStringParameters").put("datamartName", "m");
        assertEquals(List.of("m"), parse(event).queryValues("datamartName"));
    }

    @Test
    void takesRestQueryValuesAsApiGatewayAlreadyDecodedThem() throws IOException {
        ApiRequest request = parse("""
                {"httpMethod": "DELETE", "path": "/api/v2/data-app/datamarts",
                 "queryStringParameters": {"datamartName": "b"},
                 "multiValueQueryStringParameters": {"datamartName": ["a+b", "a%2Bb", "b"]}}
                """);
        assertEquals(List.of("a+b", "a%2Bb", "b"), request.queryValues("datamartName"));
    }

    @Test
    void readsRestSingleValueParametersWhenThereAreNoMultiValueOnes() throws IOException {
        ApiRequest request = parse("""
                {"httpMethod": "DELETE", "path": "/api/v2/data-app/datamarts",
                 "queryStringParameters": {"datamartName": "m"}, "multiValueQueryStringParameters": null}
                """);
        assertEquals(List.of("m"), request.queryValues("datamartName"));
    }

    @Test
    void readsNullRestParametersAsNone() throws IOException {
        ApiRequest request = parse("""
                {"httpMethod": "DELETE", "path": "/api/v2/data-app/datamarts",
                 "queryStringParameters": null, "multiValueQueryStringParameters": null}
                """);
        assertEquals(Map.of(), request.query());
    }

    // ---------------------------------------------------------------------------------------------
    // Paths and stages
    // ---------------------------------------------------------------------------------------------

    @Test
    void stripsTheStagePrefixForTheDefaultRoute() throws IOException {
        ObjectNode event = httpApiEvent("DELETE", "/prod" + PATH, "");
        event.put("routeKey", "$default");
        ((ObjectNode) event.get("requestContext")).put("stage", "prod");
        assertEquals(PATH, parse(event).path());
    }

    @Test
    void keepsThePathOfTheDefaultRouteOnTheDefaultStage() throws IOException {
        ObjectNode event = httpApiEvent("DELETE", PATH, "");
        event.put("routeKey", "$default");
        assertEquals(PATH, parse(event).path());
    }

    @Test
    void keepsAPathThatDoesNotStartWithTheStage() throws IOException {
        ObjectNode event = httpApiEvent("DELETE", PATH, "");
        event.put("routeKey", "$default");
        ((ObjectNode) event.get("requestContext")).put("stage", "prod");
        assertEquals(PATH, parse(event).path());
        event.put("rawPath", "/production" + PATH);
        assertEquals("/production" + PATH, parse(event).path(), "only a whole path segment is a stage");
    }

    @Test
    void takesThePathOfANamedRouteFromItsRouteKey() throws IOException {
        ObjectNode event = httpApiEvent("PUT", "/prod/api/v2/dataApp/datamarts", "");
        event.put("routeKey", "PUT /api/v2/dataApp/datamarts");
        ((ObjectNode) event.get("requestContext")).put("stage", "prod");
        ApiRequest request = parse(event);
        assertEquals("PUT", request.method());
        assertEquals("/api/v2/dataApp/datamarts", request.path());
    }

    @Test
    void takesTheRestPathFromTheResourceUnlessItHasParameters() throws IOException {
        assertEquals(PATH, parse("""
                {"httpMethod": "PUT", "resource": "/api/v2/data-app/datamarts", "path": "/base/api/v2/data-app/datamarts"}
                """).path());
        assertEquals("/api/v2/data-app/datamart", parse("""
                {"httpMethod": "DELETE", "resource": "/{proxy+}", "path": "/api/v2/data-app/datamart"}
                """).path());
    }

    // ---------------------------------------------------------------------------------------------
    // Not an API Gateway event
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"version\": ", "", "   ", "{} {}", "{\"a\": 1, \"a\": 2}"})
    void rejectsAnEventThatIsNotJson(String event) {
        assertThrows(InvalidRequestException.class, () -> parse(event));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"event\"", "42", "null", "true"})
    void rejectsJsonThatIsNotAnObject(String event) {
        InvalidRequestException rejected = assertThrows(InvalidRequestException.class, () -> parse(event));
        assertTrue(rejected.getMessage().contains("API Gateway event"), rejected::getMessage);
    }

    @Test
    void rejectsAnObjectWithoutMethodOrPath() {
        InvalidRequestException empty = assertThrows(InvalidRequestException.class, () -> parse("{}"));
        assertTrue(empty.getMessage().contains("httpMethod"), empty::getMessage);
        ObjectNode noMethod = httpApiEvent("POST", PATH, "");
        ((ObjectNode) noMethod.get("requestContext").get("http")).remove("method");
        InvalidRequestException http = assertThrows(InvalidRequestException.class, () -> parse(noMethod));
        assertTrue(http.getMessage().contains("requestContext.http.method"), http::getMessage);
        InvalidRequestException noPath =
                assertThrows(InvalidRequestException.class, () -> parse("{\"httpMethod\": \"POST\"}"));
        assertTrue(noPath.getMessage().contains("path"), noPath::getMessage);
    }

    @Test
    void rejectsADeeplyNestedEventWithoutOverflowingTheStack() {
        String event = "{\"version\": \"2.0\", \"x\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThrows(InvalidRequestException.class, () -> parse(event));
    }

    @ParameterizedTest
    @ValueSource(strings = {"datamartName=%FF", "datamartName=%C0%AF", "datamartName=%ED%A0%80", "datamartName=%E2%82"})
    void refusesAQueryThatDecodesToInvalidUtf8(String rawQuery) {
        InvalidRequestException rejected = assertThrows(InvalidRequestException.class,
                () -> ApiEventParser.parseQueryString(rawQuery));
        assertEquals("The query string is not percent-encoded UTF-8", rejected.getMessage());
    }

    @Test
    void decodesPercentEncodedUtf8AndPlusInTheQuery() {
        assertEquals(java.util.List.of("sales analytics/\u03b2+1"),
                ApiEventParser.parseQueryString("datamartName=sales+analytics%2F%CE%B2%2B1").get("datamartName"));
    }

    @ParameterizedTest
    @EnumSource(ApiCall.Payload.class)
    void readsThePathParametersOfEitherPayloadAsApiGatewayDecodedThem(ApiCall.Payload payload) throws IOException {
        ApiRequest request = parse(ApiCall.to(payload, "GET", PATH + "/{name}/versions/{n}")
                .pathParameter("name", "sales analytics").pathParameter("n", "3").event());
        assertEquals(PATH + "/{name}/versions/{n}", request.path());
        assertEquals(Map.of("name", "sales analytics", "n", "3"), request.pathParameters());
    }

    @Test
    void takesTheRawPathWhenTheRouteKeyHasNoMethodBeforeItsPath() throws IOException {
        ObjectNode event = httpApiEvent("DELETE", PATH, "");
        event.put("routeKey", " /api/v2/data-app/datamart");
        assertEquals(PATH, parse(event).path());
    }

    @Test
    void readsAPairStartingWithEqualsAsAValueOfTheEmptyName() {
        assertEquals(Map.of("", List.of("x")), ApiEventParser.parseQueryString("=x"));
        assertEquals(Map.of("a", List.of("")), ApiEventParser.parseQueryString("a="));
    }
}
