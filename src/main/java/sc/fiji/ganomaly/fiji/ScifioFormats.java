package sc.fiji.ganomaly.fiji;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.scijava.Context;
import org.scijava.convert.ConvertService;
import org.scijava.display.Display;
import org.scijava.display.DisplayService;
import org.scijava.io.IOPlugin;
import org.scijava.io.IOService;
import org.scijava.service.Service;

import ij.ImagePlus;
import sc.fiji.ganomaly.ij.ImageFiles;
import sc.fiji.ganomaly.ij.OtherFormats;

/**
 * The formats Fiji's own opener reads (SCIFIO, Bio-Formats) for the files ImageJ 1.x does not
 * open itself: SciJava's {@link IOService} opens the file and the {@link ConvertService} makes it an
 * ImagePlus (imagej-legacy's converter). No compile dependency on SCIFIO: it is used only if, at
 * run time, some opener gives a type that converts to an ImagePlus.
 */
final class ScifioFormats implements OtherFormats {

	private final IOService io;
	private final ConvertService convert;
	private final DisplayService displays;
	private final String name;

	private ScifioFormats(IOService io, ConvertService convert, DisplayService displays, String name) {
		this.io = io;
		this.convert = convert;
		this.displays = displays;
		this.name = name;
	}

	/** The reader, or null if no opener of this context gives images (plain SciJava, no SCIFIO). */
	static ScifioFormats find(IOService io, ConvertService convert, DisplayService displays) {
		if (io == null || convert == null) return null;
		awaitScifio(io.getContext());
		List<String> names = io.getInstances().stream().filter(p -> givesImages(p, convert))
			.map(p -> p.getClass().getName().startsWith("io.scif.") ? "SCIFIO" : p.getClass().getSimpleName()).distinct()
			.toList();
		return names.isEmpty() ? null : new ScifioFormats(io, convert, displays, String.join(", ", names));
	}

	/**
	 * Waits until SCIFIO, if this context has it, has created its formats: its FormatService does so
	 * on a thread of its own while the context starts, and creating plugins beside it (as
	 * {@link IOService#getInstances} does) races SciJava's cache of injected fields, which is not
	 * thread-safe. Its {@code getAllFormats} returns once they exist.
	 */
	private static void awaitScifio(Context context) {
		if (context == null) return;
		for (Service service : context.getServiceIndex().getAll()) {
			if (!named(service.getClass(), "io.scif.services.FormatService")) continue;
			try {
				service.getClass().getMethod("getAllFormats").invoke(service);
			}
			catch (ReflectiveOperationException | RuntimeException e) {
				// another SCIFIO: its openers are asked for without waiting
			}
		}
	}

	/** Whether {@code type} implements an interface of that name. */
	private static boolean named(Class<?> type, String name) {
		for (Class<?> c = type; c != null; c = c.getSuperclass())
			for (Class<?> i : c.getInterfaces())
				if (i.getName().equals(name) || named(i, name)) return true;
		return false;
	}

	@Override
	public boolean canOpen(Path file) {
		try {
			IOPlugin<?> opener = io.getOpener(file.toString());
			return opener != null && givesImages(opener, convert);
		}
		catch (IOException | RuntimeException e) {
			return false;
		}
	}

	/** True for an opener whose data converts to an ImagePlus; text does not count (it converts as an image's title). */
	private static boolean givesImages(IOPlugin<?> opener, ConvertService convert) {
		Class<?> type = opener.getDataType();
		return type != null && !CharSequence.class.isAssignableFrom(type) && convert.supports(type, ImagePlus.class);
	}

	@Override
	public ImagePlus open(Path file) {
		Object data;
		try {
			// the opener itself: IOService.open would announce the data, and Fiji would display it
			IOPlugin<?> opener = io.getOpener(file.toString());
			if (opener == null) throw new IllegalArgumentException("no reader takes it");
			data = opener.open(file.toString());
		}
		catch (IOException | RuntimeException e) {
			throw new IllegalArgumentException(rootMessage(e), e);
		}
		if (data == null) throw new IllegalArgumentException("no reader took it");
		ImagePlus registered = convert.convert(data, ImagePlus.class);
		try {
			if (registered == null) throw new IllegalArgumentException("it opened as " + data.getClass().getSimpleName() +
				", which is not an image");
			// a copy of its own: imagej-legacy's converter registered the image with a display, closed here so
			// that a folder of files does not pile up in Fiji's image map
			long bytes = (long) registered.getWidth() * registered.getHeight() * registered.getStackSize() *
				Math.max(1, registered.getBitDepth() / 8);
			Runtime rt = Runtime.getRuntime();
			if (bytes > rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())) throw new OutOfMemoryError(bytes +
				" bytes for a copy");
			ImagePlus imp = registered.duplicate();
			imp.setTitle(file.getFileName().toString());
			return imp;
		}
		finally {
			if (displays != null) for (Display<?> d : displays.getDisplays(data))
				d.close();
		}
	}

	/** The message of the innermost cause (readers wrap their FormatException twice). */
	private static String rootMessage(Throwable e) {
		Throwable root = e;
		while (root.getCause() != null && root.getCause() != root)
			root = root.getCause();
		return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
	}

	@Override
	public String name() {
		return name;
	}
}
