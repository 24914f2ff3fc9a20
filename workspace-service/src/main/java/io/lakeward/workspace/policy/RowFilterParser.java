package io.lakeward.workspace.policy;

import io.lakeward.common.error.LakewardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates a row filter: a SQL boolean expression over the table's columns that reaches the
 * principal only through {@code current_user()}, {@code is_member('group')} and
 * {@code user_attribute('name')}. A small recursive-descent parser of exactly that subset; anything
 * else (subqueries, other functions, statement separators, comments, unknown operators) is refused
 * with what is wrong and where (1-based character position).
 *
 * <pre>
 * expression := or
 * or         := and ( OR and )*
 * and        := not ( AND not )*
 * not        := NOT not | predicate
 * predicate  := operand [ ( = | &lt;&gt; | != | &lt; | &lt;= | &gt; | &gt;= ) operand
 *                         | [NOT] IN ( literal {, literal} )
 *                         | IS [NOT] NULL
 *                         | [NOT] LIKE string ]
 * operand    := literal | column | function | ( expression )
 * literal    := 'string' | number | TRUE | FALSE | NULL
 * function   := current_user ( ) | is_member ( string ) | user_attribute ( string )
 * column     := identifier | `identifier`
 * </pre>
 *
 * The expression is stored as written once it parses: it contains no principal value, and the
 * engine that enforces it binds the three functions to the verified principal.
 */
public final class RowFilterParser {
    public static final int MAX_LENGTH = 4096;
    private static final int MAX_DEPTH = 64;
    private static final Set<String> FUNCTIONS = Set.of("current_user", "is_member", "user_attribute");
    /** Words that are never column names here: keywords of statements, subqueries and operators. */
    private static final Set<String> RESERVED = Set.of("select", "from", "where", "union", "intersect", "except", "insert", "update",
            "delete", "drop", "create", "alter", "grant", "revoke", "exists", "case", "when", "then", "else", "end", "join", "on",
            "as", "with", "between", "escape", "and", "or", "not", "in", "is", "like", "null", "true", "false", "distinct", "all",
            "any", "some", "order", "group", "having", "limit", "into", "values", "set", "table", "call", "execute");

    /** The columns a filter mentions and the groups and attributes it asks about. */
    public record Parsed(String expression, Set<String> columns, Set<String> groups, Set<String> attributes) {
    }

    private final String text;
    private final List<Token> tokens;
    private int next;
    private int depth;
    private final Set<String> columns = new TreeSet<>();
    private final Set<String> groups = new TreeSet<>();
    private final Set<String> attributes = new TreeSet<>();

    private RowFilterParser(String text) {
        this.text = text;
        this.tokens = tokenize(text);
    }

    /** Parses {@code expression}; throws {@code INVALID_PARAMETER_VALUE} naming the problem and its position. */
    public static Parsed parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw invalid("a row filter is a non-empty SQL boolean expression");
        }
        if (expression.length() > MAX_LENGTH) {
            throw invalid("a row filter is at most " + MAX_LENGTH + " characters");
        }
        RowFilterParser parser = new RowFilterParser(expression);
        parser.or();
        Token last = parser.peek();
        if (last.kind != Kind.END) {
            throw parser.error(last, "unexpected " + last.describe() + " after a complete expression");
        }
        return new Parsed(expression.strip(), Set.copyOf(parser.columns), Set.copyOf(parser.groups), Set.copyOf(parser.attributes));
    }

    private enum Kind { IDENTIFIER, QUOTED_IDENTIFIER, STRING, NUMBER, OPERATOR, LEFT, RIGHT, COMMA, END }

    private record Token(Kind kind, String text, int position) {
        String describe() {
            return switch (kind) {
                case END -> "end of the expression";
                case STRING -> "string '" + text + "'";
                default -> "'" + text + "'";
            };
        }

        boolean isWord(String word) {
            return kind == Kind.IDENTIFIER && text.equalsIgnoreCase(word);
        }
    }

    private List<Token> tokenize(String source) {
        List<Token> list = new ArrayList<>();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            int position = i + 1;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (c == ';') {
                throw invalid("';' at position " + position + ": a row filter is one expression, not statements");
            } else if (c == '-' && i + 1 < source.length() && source.charAt(i + 1) == '-'
                    || c == '/' && i + 1 < source.length() && source.charAt(i + 1) == '*') {
                throw invalid("comments are not allowed in a row filter (position " + position + ")");
            } else if (c == '\'') {
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    if (i >= source.length()) {
                        throw invalid("unterminated string starting at position " + position);
                    }
                    char d = source.charAt(i);
                    if (d == '\'') {
                        if (i + 1 < source.length() && source.charAt(i + 1) == '\'') {
                            value.append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (d == '\\') {
                        throw invalid("backslash escapes are not allowed in strings (position " + (i + 1) + "); write '' for a quote");
                    }
                    value.append(d);
                    i++;
                }
                list.add(new Token(Kind.STRING, value.toString(), position));
            } else if (c == '`') {
                int end = source.indexOf('`', i + 1);
                if (end < 0) {
                    throw invalid("unterminated quoted column name starting at position " + position);
                }
                String name = source.substring(i + 1, end);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,254}")) {
                    throw invalid("quoted column name at position " + position + " must be letters, digits and _");
                }
                list.add(new Token(Kind.QUOTED_IDENTIFIER, name, position));
                i = end + 1;
            } else if (Character.isDigit(c) || c == '.' && i + 1 < source.length() && Character.isDigit(source.charAt(i + 1))) {
                int start = i;
                while (i < source.length() && (Character.isDigit(source.charAt(i)) || source.charAt(i) == '.')) {
                    i++;
                }
                String number = source.substring(start, i);
                if (!number.matches("\\d+(\\.\\d+)?|\\.\\d+")) {
                    throw invalid("malformed number '" + number + "' at position " + position);
                }
                if (i < source.length() && (Character.isLetter(source.charAt(i)) || source.charAt(i) == '_')) {
                    throw invalid("malformed number at position " + position);
                }
                list.add(new Token(Kind.NUMBER, number, position));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < source.length() && (Character.isLetterOrDigit(source.charAt(i)) || source.charAt(i) == '_')) {
                    i++;
                }
                String word = source.substring(start, i);
                if (!word.chars().allMatch(ch -> ch < 128)) {
                    throw invalid("non-ASCII name at position " + position);
                }
                if (i < source.length() && source.charAt(i) == '.') {
                    throw invalid("qualified name at position " + position + ": a row filter refers to its own table's columns by their bare names");
                }
                list.add(new Token(Kind.IDENTIFIER, word, position));
            } else if (c == '(') {
                list.add(new Token(Kind.LEFT, "(", position));
                i++;
            } else if (c == ')') {
                list.add(new Token(Kind.RIGHT, ")", position));
                i++;
            } else if (c == ',') {
                list.add(new Token(Kind.COMMA, ",", position));
                i++;
            } else if (c == '=' ) {
                list.add(new Token(Kind.OPERATOR, "=", position));
                i++;
            } else if (c == '<' || c == '>' || c == '!') {
                String two = i + 1 < source.length() ? source.substring(i, i + 2) : "";
                if (two.equals("<=") || two.equals(">=") || two.equals("<>") || two.equals("!=")) {
                    list.add(new Token(Kind.OPERATOR, two, position));
                    i += 2;
                } else if (c == '!') {
                    throw invalid("unexpected '!' at position " + position + " (did you mean != ?)");
                } else {
                    list.add(new Token(Kind.OPERATOR, String.valueOf(c), position));
                    i++;
                }
            } else {
                throw invalid("unexpected character '" + (Character.isISOControl(c) ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c))
                        + "' at position " + position);
            }
        }
        list.add(new Token(Kind.END, "", source.length() + 1));
        return list;
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        return tokens.get(next++);
    }

    private boolean acceptWord(String word) {
        if (peek().isWord(word)) {
            next++;
            return true;
        }
        return false;
    }

    private void expect(Kind kind, String what) {
        Token token = take();
        if (token.kind != kind) {
            throw error(token, "expected " + what + " but found " + token.describe());
        }
    }

    private void or() {
        enter();
        and();
        while (acceptWord("or")) {
            and();
        }
        depth--;
    }

    private void and() {
        not();
        while (acceptWord("and")) {
            not();
        }
    }

    private void not() {
        if (acceptWord("not")) {
            enter();
            not();
            depth--;
            return;
        }
        predicate();
    }

    private void predicate() {
        operand();
        Token token = peek();
        if (token.kind == Kind.OPERATOR) {
            next++;
            operand();
        } else if (token.isWord("is")) {
            next++;
            acceptWord("not");
            Token word = take();
            if (!word.isWord("null")) {
                throw error(word, "expected NULL after IS but found " + word.describe());
            }
        } else if (token.isWord("not") || token.isWord("in") || token.isWord("like")) {
            next++;
            Token operator = token.isWord("not") ? take() : token;
            if (operator.isWord("in")) {
                inList();
            } else if (operator.isWord("like")) {
                Token pattern = take();
                if (pattern.kind != Kind.STRING) {
                    throw error(pattern, "LIKE takes a string pattern, found " + pattern.describe());
                }
            } else {
                throw error(operator, "expected IN or LIKE after NOT but found " + operator.describe());
            }
        }
    }

    private void inList() {
        expect(Kind.LEFT, "'(' after IN");
        Token first = peek();
        if (first.isWord("select")) {
            throw error(first, "subqueries are not allowed in a row filter");
        }
        literal();
        while (peek().kind == Kind.COMMA) {
            next++;
            literal();
        }
        expect(Kind.RIGHT, "')' or ',' in the IN list");
    }

    private void literal() {
        Token token = take();
        boolean constant = token.kind == Kind.STRING || token.kind == Kind.NUMBER
                || token.isWord("null") || token.isWord("true") || token.isWord("false");
        if (!constant) {
            throw error(token, "IN lists hold literals only, found " + token.describe());
        }
    }

    private void operand() {
        Token token = take();
        switch (token.kind) {
            case STRING, NUMBER -> {
            }
            case LEFT -> {
                if (peek().isWord("select") || peek().isWord("with")) {
                    throw error(peek(), "subqueries are not allowed in a row filter");
                }
                or();
                expect(Kind.RIGHT, "')'");
            }
            case QUOTED_IDENTIFIER -> columns.add(token.text.toLowerCase(Locale.ROOT));
            case IDENTIFIER -> identifier(token);
            default -> throw error(token, "expected a column, a literal or a function but found " + token.describe());
        }
    }

    private void identifier(Token token) {
        String word = token.text.toLowerCase(Locale.ROOT);
        if (word.equals("null") || word.equals("true") || word.equals("false")) {
            return;
        }
        if (peek().kind == Kind.LEFT) {
            if (tokens.get(next + 1).isWord("select") || tokens.get(next + 1).isWord("with")) {
                throw error(tokens.get(next + 1), "subqueries are not allowed in a row filter");
            }
            if (!FUNCTIONS.contains(word)) {
                throw error(token, "function " + token.text + "() is not allowed; a row filter may call only current_user(), is_member('group') and user_attribute('name')");
            }
            next++;
            if (word.equals("current_user")) {
                expect(Kind.RIGHT, "')': current_user() takes no argument");
                return;
            }
            Token argument = take();
            if (argument.kind != Kind.STRING || argument.text.isEmpty()) {
                throw error(argument, word + "() takes one non-empty string literal, found " + argument.describe());
            }
            (word.equals("is_member") ? groups : attributes).add(argument.text);
            expect(Kind.RIGHT, "')': " + word + "() takes one argument");
            return;
        }
        if (word.equals("select")) {
            throw error(token, "subqueries are not allowed in a row filter");
        }
        if (RESERVED.contains(word)) {
            throw error(token, "unexpected keyword " + token.text.toUpperCase(Locale.ROOT));
        }
        if (FUNCTIONS.contains(word)) {
            throw error(token, word + " is a function: write " + word + "(...)");
        }
        if (word.length() > 255) {
            throw error(token, "column name too long");
        }
        columns.add(word);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error(peek(), "the expression nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    private LakewardException error(Token token, String message) {
        return invalid(message + " (position " + token.position + ")");
    }

    private static LakewardException invalid(String message) {
        return LakewardException.invalidParameter("invalid row filter: " + message);
    }
}
