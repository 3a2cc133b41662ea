package sc.fiji.ganomaly.core.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import org.junit.Test;

/** A refusal names its key once, and a front end's name replaces the API's key only. */
public class RefusalsTest {

	@Test
	public void aRefusalIsNamedOnce() {
		IllegalArgumentException plain = new IllegalArgumentException("a.tif has 2 channel(s)");
		IllegalArgumentException named = Refusals.of("image", plain);
		assertEquals("image: a.tif has 2 channel(s)", named.getMessage());
		assertSame(plain, named.getCause());
		assertSame(named, Refusals.of("image", named));
	}

	@Test
	public void onlyTheApisKeyIsRenamed() {
		IllegalArgumentException input = new IllegalArgumentException("input: a.tif is 8x8 pixels");
		assertEquals("--input: a.tif is 8x8 pixels", Refusals.renamed(input, "input", "--input").getMessage());
		// a message that merely starts with the key's letters is another refusal
		IllegalArgumentException inputs = new IllegalArgumentException("inputs.tif: pixel (3, 3) is NaN");
		assertSame(inputs, Refusals.renamed(inputs, "input", "--input"));
		IllegalArgumentException other = new IllegalArgumentException("stride: must lie between 1 and 32");
		assertSame(other, Refusals.renamed(other, "input", "folder"));
	}
}
