package sc.fiji.ganomaly.core;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

public class JsonTest {

	@Test
	public void roundTripsNestedValues() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", "a \"quoted\" \\ name\n");
		map.put("number", 1.5);
		map.put("flag", true);
		map.put("nothing", null);
		map.put("list", List.of(1.0, 2.0, "three"));
		map.put("child", Map.of("x", -2.5e-7));
		assertEquals(map, Json.parse(Json.write(map)));
	}

	@Test
	public void writesNonFiniteNumbersAsNull() {
		assertEquals("null\n", Json.write(Double.NaN));
	}

	@Test(expected = IllegalArgumentException.class)
	public void refusesTrailingText() {
		Json.parse("{} x");
	}

	@Test(expected = IllegalArgumentException.class)
	public void refusesTruncatedText() {
		Json.parse("{\"a\": [1, 2");
	}
}
