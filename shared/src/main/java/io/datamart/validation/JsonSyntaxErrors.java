package io.datamart.validation;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is wrong with JSON the parser refused, in the sender's terms: the rule of JSON
 * (or the size limit) it breaks, where, and what was expected there. The parser's own
 * text names its classes and settings and is never repeated; it is read only where the
 * exception's type and the parser's state do not tell the cases apart, and only to pick
 * one of the sentences below (or a character, a word or a number to show, made safe).
 *
 * <p>The result is a predicate for the caller's subject: "Request body " +
 * {@code describe(e)} reads "Request body is not valid JSON at line 1, column 13: ...".
 */
public final class JsonSyntaxErrors {
    /** What JSON allows where a value is expected. */
    static final String A_VALUE = "a value (a string in double quotes, a number, an object, an array, "
            + "true, false or null)";
    private static final String ONE_VALUE = "more follows the end of the JSON value; send exactly one JSON value, "
            + "with nothing after it but white space";
    private static final int MAX_ECHOED = 40;
    private static final Set<String> LITERALS = Set.of("true", "false", "null");

    private static final Pattern LIMIT = Pattern.compile("maximum allowed \\((\\d+)");
    private static final Pattern CODE = Pattern.compile("\\bcode (\\d+)");
    private static final Pattern CLOSE_MARKER = Pattern.compile("close marker '(.)'");
    private static final Pattern QUOTED_WORD = Pattern.compile("token '(.*)'", Pattern.DOTALL);
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.*)'$", Pattern.DOTALL);

    private JsonSyntaxErrors() {
    }

    /**
     * One sentence, without a subject, saying why the JSON was refused: "is not valid
     * JSON at line L, column C: what is wrong", or for a size limit, which limit.
     */
    public static String describe(JacksonException refused) {
        String text = refused.getOriginalMessage() == null ? "" : refused.getOriginalMessage();
        if (refused instanceof StreamConstraintsException) {
            return overLimit(text);
        }
        String where = where(refused.getLocation());
        String problem = problem(refused, text);
        return "is not valid JSON" + where + (problem == null ? "" : ": " + problem);
    }

    /** A limit of the parser; the exception's type says only that it is one, its text which. */
    private static String overLimit(String text) {
        Matcher limit = LIMIT.matcher(text);
        String most = limit.find() ? limit.group(1) : null;
        if (text.startsWith("Document nesting depth")) {
            return "nests arrays and objects too deeply: at most " + orSome(most) + " levels are allowed";
        }
        if (text.startsWith("Number value length")) {
            return "has a number that is too long: at most " + orSome(most) + " characters are allowed";
        }
        if (text.startsWith("String value length")) {
            return "has a string that is too long: at most " + orSome(most) + " characters are allowed";
        }
        if (text.startsWith("Name length")) {
            return "has a field name that is too long: at most " + orSome(most) + " characters are allowed";
        }
        if (text.startsWith("Document length")) {
            return "is too long: at most " + orSome(most) + " characters of JSON are allowed";
        }
        if (text.startsWith("Token count")) {
            return "has too many values: at most " + orSome(most) + " tokens (names, values and brackets)"
                    + " are allowed";
        }
        return "is too large to read as JSON";
    }

    private static String orSome(String number) {
        return number == null ? "a limited number of" : number;
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return location.getColumnNr() < 1 ? " at line " + location.getLineNr()
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The problem, or null when nothing more can be said than "not valid JSON" and where. */
    private static String problem(JacksonException refused, String text) {
        JsonStreamContext context = refused.getProcessor() instanceof JsonParser parser
                ? parser.getParsingContext() : null;
        boolean afterRootValue = context != null && context.inRoot() && context.getCurrentIndex() >= 1;
        if (refused instanceof MismatchedInputException) {
            // For a tree, the one mismatch left is what FAIL_ON_TRAILING_TOKENS refuses.
            return text.startsWith("Trailing token") ? ONE_VALUE : null;
        }
        if (!(refused instanceof JsonParseException)) {
            return null; // not a syntax error of the text: nothing more to say of it than where
        }
        // A syntax error: its type says no more, so its text picks which sentence applies.
        if (refused instanceof JsonEOFException || text.startsWith("Unexpected end-of-input")) {
            return endedEarly(refused, text, context);
        }
        if (text.startsWith("Duplicate field")) {
            return duplicate(text, context);
        }
        if (text.startsWith("Unexpected close marker")) {
            return closeMarker(text, context, afterRootValue);
        }
        if (text.startsWith("Unrecognized token")) {
            return afterRootValue ? ONE_VALUE : unrecognizedWord(text);
        }
        if (text.startsWith("Non-standard token")) {
            return nonNumeric(text);
        }
        if (text.startsWith("Invalid numeric value")) {
            return text.contains("Leading zeroes")
                    ? "a number must not start with a 0 unless it is 0 itself or 0 followed by a fraction "
                            + "(write 7, not 07)"
                    : "a number is not written as JSON writes numbers";
        }
        if (text.startsWith("Illegal unquoted character")) {
            String in = text.contains("in name") ? "a field name" : "a string";
            return in + " holds a control character, " + character(code(text))
                    + ", that must be escaped (as \\n, \\t or \\u00XX, say)";
        }
        if (text.startsWith("Illegal character")) {
            return character(code(text)) + " is not allowed between values; only spaces, tabs and line breaks are";
        }
        if (text.startsWith("Unrecognized character escape")) {
            return escape(code(text));
        }
        if (text.startsWith("Unexpected character")) {
            return unexpected(text, code(text), afterRootValue);
        }
        if (text.contains("Invalid UTF-8")) {
            return "it is not valid UTF-8";
        }
        return null;
    }

    private static String endedEarly(JacksonException refused, String text, JsonStreamContext context) {
        JsonToken decoding = refused instanceof JsonEOFException eof ? eof.getTokenBeingDecoded() : null;
        if (text.contains("character escape")) {
            return "it ends inside the escape sequence of a string";
        }
        if (decoding == JsonToken.VALUE_STRING || text.contains("closing quote")) {
            return "it ends inside a string: its closing double quote is missing";
        }
        if (decoding == JsonToken.FIELD_NAME) {
            return "it ends inside a field name: its closing double quote is missing";
        }
        String open = open(context);
        if (open != null) {
            return "it ends before " + open + " is closed with " + (context.inObject() ? "'}'" : "']'");
        }
        return "it ends before the JSON value is complete";
    }

    /** "the object that opens at line 1, column 7", for the innermost open object or array. */
    private static String open(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return null;
        }
        String what = context.inObject() ? "the object" : "the array";
        JsonLocation start = context.startLocation(ContentReference.unknown());
        String where = where(start);
        return where.isEmpty() ? what : what + " that opens" + where;
    }

    private static String duplicate(String text, JsonStreamContext context) {
        String name = context != null && context.getCurrentName() != null ? context.getCurrentName() : null;
        if (name == null) {
            Matcher quoted = DUPLICATE.matcher(text);
            name = quoted.find() ? quoted.group(1) : null;
        }
        return name == null ? "a field appears twice in the same object; each field may appear only once"
                : "the field '" + Strings.quotable(name, MAX_ECHOED) + "' appears twice in the same object; "
                        + "each field may appear only once";
    }

    private static String closeMarker(String text, JsonStreamContext context, boolean afterRootValue) {
        Matcher marker = CLOSE_MARKER.matcher(text);
        String found = marker.find() ? "'" + marker.group(1) + "'" : "a closing bracket";
        String open = open(context);
        if (open != null) {
            return found + " does not close " + open + ": expected " + (context.inObject()
                    ? "a comma and another field, or '}'" : "a comma and another value, or ']'");
        }
        return afterRootValue ? ONE_VALUE : found + " closes nothing: no object or array is open here";
    }

    private static String unrecognizedWord(String text) {
        String word = word(text);
        if (word == null) {
            return "expected " + A_VALUE;
        }
        String lower = word.toLowerCase(Locale.ROOT);
        if (LITERALS.contains(lower)) {
            return "'" + word + "' is not a JSON value; JSON's literals are lower case: " + lower;
        }
        return "'" + Strings.quotable(word, MAX_ECHOED) + "' is not a JSON value; expected " + A_VALUE;
    }

    private static String nonNumeric(String text) {
        String word = word(text);
        return (word == null ? "this" : "'" + Strings.quotable(word, MAX_ECHOED) + "'")
                + " is not a JSON number: JSON has no NaN or Infinity";
    }

    /** The word the parser quotes after "token", if it quotes one. */
    private static String word(String text) {
        int end = text.indexOf("': ");
        Matcher quoted = QUOTED_WORD.matcher(end < 0 ? text : text.substring(0, end + 1));
        return quoted.find() && !quoted.group(1).isEmpty() ? quoted.group(1) : null;
    }

    private static String escape(int code) {
        if (code == '\'') {
            return "'\\'' is not a JSON escape: a single quote needs no backslash in a string";
        }
        String shown = code >= 0x21 && code <= 0x7E ? "'\\" + (char) code + "'"
                : "a backslash followed by " + character(code);
        return shown + " is not a JSON escape; a backslash in a string starts one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
                + "or \\u and four hexadecimal digits (write \\\\ for a backslash itself)";
    }

    /** "Unexpected character": which one, and what JSON expects at that point. */
    private static String unexpected(String text, int code, boolean afterRootValue) {
        String found = character(code);
        if (text.contains("comment")) {
            return "JSON does not allow comments (" + found + " starts one)";
        }
        if (text.contains("root-level values")) {
            return ONE_VALUE;
        }
        if (text.contains("in numeric value")) {
            return number(text, found);
        }
        if (text.contains("hex-digit")) {
            return "\\u must be followed by four hexadecimal digits (0-9, a-f), not " + found;
        }
        if (text.contains("double-quote to start field name")) {
            if (code == '\'') {
                return "field names take double quotes, not single quotes";
            }
            if (code == '}') {
                return "expected another field after the comma: JSON allows no comma before '}'";
            }
            if (code >= 0 && (Character.isLetterOrDigit(code) || code == '_' || code == '$')) {
                return "field names must be in double quotes (\"name\": ...), not bare";
            }
            return "expected a field name in double quotes, not " + found;
        }
        if (text.contains("a valid value")) {
            if (afterRootValue) {
                return ONE_VALUE;
            }
            if (code == '\'') {
                return "strings take double quotes, not single quotes";
            }
            if (code == ']') {
                return "expected another value after the comma: JSON allows no comma before ']'";
            }
            if (code == '}') {
                return "expected " + A_VALUE + " after the colon";
            }
            return "expected " + A_VALUE + ", not " + found;
        }
        if (text.contains("colon to separate")) {
            return "expected a colon (:) between the field name and its value, not " + found;
        }
        if (text.contains("comma to separate Object")) {
            return "expected a comma or '}' after the field's value, not " + found;
        }
        if (text.contains("comma to separate Array")) {
            return "expected a comma or ']' after the value, not " + found;
        }
        return "unexpected " + found;
    }

    private static String number(String text, String found) {
        if (text.contains("plus sign")) {
            return "a number must not start with a plus sign";
        }
        if (text.contains("minus sign")) {
            return "a minus sign must be followed by a digit, not " + found;
        }
        if (text.contains("Decimal point")) {
            return "a decimal point must be followed by a digit, not " + found;
        }
        if (text.contains("Exponent")) {
            return "an exponent (e or E) must be followed by a digit, not " + found;
        }
        return found + " cannot appear in a number";
    }

    /** The character code the parser reports, or -1. */
    private static int code(String text) {
        Matcher code = CODE.matcher(text);
        try {
            return code.find() ? Integer.parseInt(code.group(1)) : -1;
        } catch (NumberFormatException tooLong) {
            return -1;
        }
    }

    /**
     * A character as a reader can see it: printable ASCII in quotes, anything else by its
     * code point and name, so that no control or invisible character is echoed.
     */
    static String character(int code) {
        if (code < 0) {
            return "this character";
        }
        if (code >= 0x21 && code <= 0x7E) {
            return "'" + (char) code + "'";
        }
        if (code <= Character.MAX_VALUE && Character.isSurrogate((char) code)) {
            // The parser reports half of a character beyond U+FFFF (an emoji, say).
            return "a character beyond U+FFFF (such as an emoji)";
        }
        return CustomColumnSql.describe(code);
    }
}
