package sc.fiji.ganomaly.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.scijava.Context;
import org.scijava.io.AbstractIOPlugin;
import org.scijava.io.IOPlugin;
import org.scijava.plugin.Plugin;

import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.OtherFormats;

/**
 * The GANomaly service creates no opener while its context starts: in Fiji, SCIFIO creates its
 * formats on a thread of its own meanwhile, and SciJava's cache of injected fields, filled by two
 * threads at once, breaks every plugin of that start ("Context already injected"). The openers are
 * asked for when a file first needs them, once.
 */
public class OtherFormatsStartTest {

	@Test
	public void openersAreCreatedWhenAFileNeedsThemNotAtStart() {
		int before = CountingOpener.CREATED.get();
		Context context = new Context();
		try {
			assertEquals("openers created while the context started", before, CountingOpener.CREATED.get());
			// no opener of this class path gives images: ImageJ 1.x names only, found on first need
			assertFalse(ImageFiles.isImageName(Path.of("a.nrrd")));
			int created = CountingOpener.CREATED.get();
			assertTrue("no opener was asked for", created > before);
			assertNull(OtherFormats.current());
			assertFalse(ImageFiles.isImageName(Path.of("b.nrrd")));
			assertEquals("openers asked for twice", created, CountingOpener.CREATED.get());
		}
		finally {
			context.dispose();
		}
	}

	/**
	 * A context whose openers give no images reads with the reader set before it, and its end leaves
	 * that reader in use.
	 */
	@Test
	public void aContextWithoutImageOpenersKeepsTheReaderBeforeIt() {
		OtherFormats outer = new OtherFormats() {

			@Override
			public boolean canOpen(Path file) {
				return file.toString().endsWith(".xyz");
			}

			@Override
			public ij.ImagePlus open(Path file) {
				throw new IllegalArgumentException("not in this test");
			}

			@Override
			public String name() {
				return "outer";
			}
		};
		OtherFormats.use(outer);
		try {
			Context context = new Context();
			try {
				assertTrue(ImageFiles.isImageName(Path.of("a.xyz")));
				assertSame(outer, OtherFormats.current());
			}
			finally {
				context.dispose();
			}
			assertSame(outer, OtherFormats.current());
		}
		finally {
			OtherFormats.use(null);
		}
		assertNull(OtherFormats.current());
		assertFalse(ImageFiles.isImageName(Path.of("a.xyz")));
	}

	/** An opener of nothing that counts its instances. */
	@Plugin(type = IOPlugin.class)
	public static class CountingOpener extends AbstractIOPlugin<String> {

		static final AtomicInteger CREATED = new AtomicInteger();

		public CountingOpener() {
			CREATED.incrementAndGet();
		}

		@Override
		public Class<String> getDataType() {
			return String.class;
		}
	}
}
