package sc.fiji.ganomaly.core;

import java.io.IOException;
import java.io.StringReader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

/**
 * Model manifests and training checkpoints as JSON, with Gson (Fiji ships it). Objects read back
 * as ordered maps ({@code Map<String, Object>} in file order), arrays as lists, numbers as
 * {@link Double}.
 */
final class Json {

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
		.registerTypeAdapter(Double.class, FINITE_OR_NULL).registerTypeAdapter(Float.class, FINITE_OR_NULL)
		.setObjectToNumberStrategy(ToNumberPolicy.DOUBLE).create();

	private Json() {}

	/** Parses one JSON value (strictly); throws {@link IllegalArgumentException} saying where it is bad. */
	static Object parse(String text) {
		JsonReader in = new JsonReader(new StringReader(text));
		Object value;
		try {
			value = GSON.getAdapter(Object.class).read(in);
		}
		catch (IOException | RuntimeException e) {
			String message = e.getMessage() == null ? e.toString() : e.getMessage();
			// newer Gson versions add a line pointing to their troubleshooting guide
			throw new IllegalArgumentException(message.lines().findFirst().orElse(message), e);
		}
		try {
			if (in.peek() == JsonToken.END_DOCUMENT) return value;
		}
		catch (IOException | RuntimeException e) {
			// strict readers refuse a second value
		}
		Matcher where = Pattern.compile("line \\d+ column \\d+").matcher(in.toString());
		throw new IllegalArgumentException("unexpected text after the value" + (where.find() ? " at " + where.group() : ""));
	}

	/**
	 * Writes maps, lists, strings, numbers, booleans and nulls as indented JSON; doubles as
	 * {@link Double#toString} (they read back exactly), NaN and infinities as null.
	 */
	static String write(Object value) {
		return GSON.toJson(value) + "\n";
	}
}
