package sc.fiji.ganomaly.core.json;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

/**
 * Model manifests and training checkpoints as JSON, with Gson (Fiji ships it). Objects read back
 * as ordered maps ({@code Map<String, Object>} in file order), arrays as lists, numbers as
 * {@link Double}.
 */
public final class Json {

	/** NaN and infinities are not JSON: they are written as null, as they always were. */
	private static final TypeAdapter<Number> FINITE_OR_NULL = new TypeAdapter<>() {

		@Override
		public void write(JsonWriter out, Number n) throws IOException {
			if (n == null || !Double.isFinite(n.doubleValue())) out.nullValue();
			else out.value(n);
		}

		@Override
		public Number read(JsonReader in) {
			throw new UnsupportedOperationException();
		}
	};

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
		.registerTypeAdapter(Double.class, FINITE_OR_NULL).registerTypeAdapter(Float.class, FINITE_OR_NULL).create();

	private Json() {}

	/** Objects and arrays nested deeper than this are refused (manifests nest four levels). */
	static final int MAX_DEPTH = 64;

	/**
	 * Parses one JSON value (strictly); throws {@link IllegalArgumentException} saying where it is bad.
	 * An object that names a key twice is refused (readers differ on which one counts), and so is
	 * nesting deeper than {@value #MAX_DEPTH} levels.
	 */
	public static Object parse(String text) {
		JsonReader in = new JsonReader(new StringReader(text));
		Object value;
		try {
			value = read(in, 0);
		}
		catch (IOException | RuntimeException e) {
			String message = e.getMessage() == null ? e.toString() : e.getMessage();
			// newer Gson versions add a line pointing to their troubleshooting guide; no reader option is the user's to set
			message = message.lines().findFirst().orElse(message).replace("Use JsonReader.setLenient(true) to accept " +
				"malformed JSON at ", "malformed JSON at ");
			throw new IllegalArgumentException(message, e);
		}
		try {
			if (in.peek() == JsonToken.END_DOCUMENT) return value;
		}
		catch (IOException | RuntimeException e) {
			// strict readers refuse a second value
		}
		throw new IllegalArgumentException("unexpected text after the value at " + where(in));
	}

	/** One value of {@code in} at nesting {@code depth}: ordered maps, lists, doubles, strings, booleans, null. */
	private static Object read(JsonReader in, int depth) throws IOException {
		JsonToken token = in.peek();
		if ((token == JsonToken.BEGIN_OBJECT || token == JsonToken.BEGIN_ARRAY) && depth >= MAX_DEPTH)
			throw new IllegalArgumentException("values nested deeper than " + MAX_DEPTH + " levels at " + where(in));
		switch (token) {
			case BEGIN_OBJECT -> {
				Map<String, Object> map = new LinkedHashMap<>();
				in.beginObject();
				while (in.hasNext()) {
					String key = in.nextName();
					if (map.containsKey(key)) throw new IllegalArgumentException("the key '" + key + "' appears twice in one " +
						"object at " + where(in));
					map.put(key, read(in, depth + 1));
				}
				in.endObject();
				return map;
			}
			case BEGIN_ARRAY -> {
				List<Object> list = new ArrayList<>();
				in.beginArray();
				while (in.hasNext())
					list.add(read(in, depth + 1));
				in.endArray();
				return list;
			}
			case STRING -> {
				return in.nextString();
			}
			case NUMBER -> {
				return in.nextDouble();
			}
			case BOOLEAN -> {
				return in.nextBoolean();
			}
			case NULL -> {
				in.nextNull();
				return null;
			}
			default -> throw new IllegalArgumentException("expected a value but was " + token + " at " + where(in));
		}
	}

	/** "line L column C" of the reader's position, or its description. */
	private static String where(JsonReader in) {
		Matcher m = Pattern.compile("line \\d+ column \\d+").matcher(in.toString());
		return m.find() ? m.group() : in.toString();
	}

	/** Arrays longer than this are written packed ({@link #doubles(double[])}). */
	public static final int PLAIN_DOUBLES = 128;

	/**
	 * An array of doubles for {@link #write}: up to {@value #PLAIN_DOUBLES} values as a JSON list of
	 * numbers (readable); longer ones as one string, the base64 (RFC 4648) of the values as
	 * little-endian IEEE 754 doubles: exact to the bit and about a third of the list's size (a
	 * texture model of 4 channels holds 110,592 doubles). {@link #doubles(Object, String)} reads both.
	 */
	public static Object doubles(double[] values) {
		if (values.length <= PLAIN_DOUBLES) {
			List<Double> out = new ArrayList<>(values.length);
			for (double v : values)
				out.add(v);
			return out;
		}
		ByteBuffer bytes = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		bytes.asDoubleBuffer().put(values);
		return Base64.getEncoder().encodeToString(bytes.array());
	}

	/**
	 * The finite doubles of {@code value} as {@link #doubles(double[])} writes them (a list of numbers
	 * or a base64 string); throws {@link IllegalArgumentException} naming {@code key} otherwise.
	 */
	public static double[] doubles(Object value, String key) {
		double[] out;
		if (value instanceof List<?> list) {
			out = new double[list.size()];
			for (int i = 0; i < out.length; i++) {
				if (!(list.get(i) instanceof Double d)) throw new IllegalArgumentException("manifest.json: '" + key +
					"' must hold numbers");
				out[i] = d;
			}
		}
		else if (value instanceof String text) {
			byte[] bytes;
			try {
				bytes = Base64.getDecoder().decode(text);
			}
			catch (IllegalArgumentException e) {
				throw new IllegalArgumentException("manifest.json: '" + key + "' is neither a list of numbers nor base64 " +
					"of doubles (" + e.getMessage() + ")");
			}
			if (bytes.length % Double.BYTES != 0) throw new IllegalArgumentException("manifest.json: '" + key +
				"' holds " + bytes.length + " bytes, not a whole number of doubles");
			out = new double[bytes.length / Double.BYTES];
			ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
		}
		else throw new IllegalArgumentException("manifest.json lacks the list '" + key + "'");
		for (double d : out)
			if (!Double.isFinite(d)) throw new IllegalArgumentException("manifest.json: '" + key +
				"' must hold finite numbers");
		return out;
	}

	/**
	 * Writes maps, lists, strings, numbers, booleans and nulls as indented JSON; doubles as
	 * {@link Double#toString} (they read back exactly), NaN and infinities as null.
	 */
	public static String write(Object value) {
		return GSON.toJson(value) + "\n";
	}
	/** The doubles of {@code key} in {@code map}: a list of numbers or packed ({@link #doubles(Object, String)}). */
	public static double[] doubles(Map<String, Object> map, String key) {
		return doubles(map.get(key), key);
	}

	/** The finite number of {@code key} in {@code map}; refused in one line naming the key. */
	public static double number(Map<String, Object> map, String key) {
		Object v = map.get(key);
		if (!(v instanceof Double d) || !Double.isFinite(d))
			throw new IllegalArgumentException("manifest.json lacks the number '" + key + "'");
		return d;
	}

	/** The whole number of {@code key} in {@code map}, within int's range. */
	public static int integer(Map<String, Object> map, String key) {
		double d = number(map, key);
		if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE)
			throw new IllegalArgumentException("manifest.json: '" + key + "' must be a whole number, not " + d);
		return (int) d;
	}
}
