package sc.fiji.ganomaly.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;

import org.junit.Test;

/** Which CPUs may score in bfloat16, and the messages of those that may not. */
public class PrecisionTest {

	@Test
	public void bfloat16NeedsAvx512Bf16OrAmx() {
		assertNull(Precision.unsupportedReason(Precision.BFLOAT16, "fpu sse avx2 avx512f avx512_bf16 fma"));
		assertNull(Precision.unsupportedReason(Precision.BFLOAT16, "fpu avx512f amx_bf16 amx_tile"));
		String reason = Precision.unsupportedReason(Precision.BFLOAT16, "fpu sse avx2 avx512f avx512bw fma");
		assertTrue(reason, reason.contains("AVX512_BF16 or AMX"));
		assertTrue(Precision.unsupportedReason(Precision.BFLOAT16, null).contains("AVX512_BF16 or AMX"));
		assertNull(Precision.unsupportedReason(Precision.FLOAT32, "fpu"));
		assertNull(Precision.unsupportedReason(Precision.FLOAT32, null));
	}

	@Test
	public void unknownPrecisionsAreRefused() {
		try {
			Precision.resolve("float16");
			fail();
		}
		catch (IllegalArgumentException e) {
			assertEquals("precision must be float32 or bfloat16, not float16", e.getMessage());
		}
		assertEquals(Precision.FLOAT32, Precision.resolve(Precision.FLOAT32));
	}

	@Test
	public void enginesWithoutReducedPrecisionRefuseIt() {
		Engine plain = new Engine() {

			@Override
			public String description() {
				return "plain";
			}

			@Override
			public TrainableNetwork create(NetworkSpec spec) {
				throw new UnsupportedOperationException();
			}

			@Override
			public ScoringNetwork load(Path savedModel, NetworkSpec spec) {
				throw new UnsupportedOperationException("float32 load");
			}
		};
		try {
			plain.load(Path.of("x"), null, Precision.BFLOAT16);
			fail();
		}
		catch (EngineException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("float32 only"));
		}
	}
}
