package sc.fiji.ganomaly.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small subset of JSON a model manifest needs: objects, arrays, strings, numbers, booleans
 * and null. Objects read back as ordered maps, numbers as {@link Double}.
 */
final class Json {

	private final String text;
	private int pos;

	private Json(String text) {
		this.text = text;
	}

	/** Parses one JSON value; throws {@link IllegalArgumentException} naming the offset on bad input. */
	static Object parse(String text) {
		Json p = new Json(text);
		Object value = p.value();
		p.skipSpace();
		if (p.pos != text.length()) throw p.error("unexpected text after the value");
		return value;
	}

	/** Writes a value made of maps, lists, strings, numbers, booleans and nulls, indented. */
	static String write(Object value) {
		StringBuilder out = new StringBuilder();
		write(value, out, "");
		return out.append('\n').toString();
	}

	private static void write(Object value, StringBuilder out, String indent) {
		if (value == null) out.append("null");
		else if (value instanceof String s) quote(s, out);
		else if (value instanceof Float f) out.append(finite(f.doubleValue()) ? Float.toString(f) : "null");
		else if (value instanceof Double d) out.append(finite(d) ? Double.toString(d) : "null");
		else if (value instanceof Number || value instanceof Boolean) out.append(value);
		else if (value instanceof Map<?, ?> map) {
			out.append("{");
			String inner = indent + "  ";
			boolean first = true;
			for (Map.Entry<?, ?> e : map.entrySet()) {
				out.append(first ? "\n" : ",\n").append(inner);
				quote(e.getKey().toString(), out);
				out.append(": ");
				write(e.getValue(), out, inner);
				first = false;
			}
			out.append(first ? "}" : "\n" + indent + "}");
		}
		else if (value instanceof List<?> list) {
			out.append("[");
			for (int i = 0; i < list.size(); i++) {
				if (i > 0) out.append(", ");
				write(list.get(i), out, indent);
			}
			out.append("]");
		}
		else throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
	}

	private static boolean finite(double d) {
		return !Double.isNaN(d) && !Double.isInfinite(d);
	}

	private static void quote(String s, StringBuilder out) {
		out.append('"');
		for (char c : s.toCharArray()) {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
					else out.append(c);
				}
			}
		}
		out.append('"');
	}

	private Object value() {
		skipSpace();
		if (pos >= text.length()) throw error("unexpected end");
		char c = text.charAt(pos);
		if (c == '{') return object();
		if (c == '[') return array();
		if (c == '"') return string();
		if (text.startsWith("true", pos)) { pos += 4; return Boolean.TRUE; }
		if (text.startsWith("false", pos)) { pos += 5; return Boolean.FALSE; }
		if (text.startsWith("null", pos)) { pos += 4; return null; }
		return number();
	}

	private Map<String, Object> object() {
		Map<String, Object> map = new LinkedHashMap<>();
		pos++;
		skipSpace();
		if (peek('}')) return map;
		while (true) {
			skipSpace();
			if (pos >= text.length() || text.charAt(pos) != '"') throw error("expected a key");
			String key = string();
			skipSpace();
			expect(':');
			map.put(key, value());
			skipSpace();
			if (peek('}')) return map;
			expect(',');
		}
	}

	private List<Object> array() {
		List<Object> list = new ArrayList<>();
		pos++;
		skipSpace();
		if (peek(']')) return list;
		while (true) {
			list.add(value());
			skipSpace();
			if (peek(']')) return list;
			expect(',');
		}
	}

	private String string() {
		StringBuilder s = new StringBuilder();
		pos++;
		while (pos < text.length()) {
			char c = text.charAt(pos++);
			if (c == '"') return s.toString();
			if (c != '\\') { s.append(c); continue; }
			if (pos >= text.length()) break;
			char e = text.charAt(pos++);
			switch (e) {
				case 'n' -> s.append('\n');
				case 'r' -> s.append('\r');
				case 't' -> s.append('\t');
				case 'b' -> s.append('\b');
				case 'f' -> s.append('\f');
				case 'u' -> {
					if (pos + 4 > text.length()) throw error("bad escape");
					s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
					pos += 4;
				}
				default -> s.append(e);
			}
		}
		throw error("unterminated string");
	}

	private Double number() {
		int start = pos;
		while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0)
			pos++;
		try {
			return Double.valueOf(text.substring(start, pos));
		}
		catch (NumberFormatException e) {
			throw error("expected a value");
		}
	}

	private boolean peek(char c) {
		if (pos < text.length() && text.charAt(pos) == c) {
			pos++;
			return true;
		}
		return false;
	}

	private void expect(char c) {
		if (!peek(c)) throw error("expected '" + c + "'");
	}

	private void skipSpace() {
		while (pos < text.length() && Character.isWhitespace(text.charAt(pos)))
			pos++;
	}

	private IllegalArgumentException error(String what) {
		return new IllegalArgumentException(what + " at character " + pos);
	}
}
