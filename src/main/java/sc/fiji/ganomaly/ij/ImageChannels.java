package sc.fiji.ganomaly.ij;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import sc.fiji.ganomaly.core.api.Channels;

/** The channels a run uses of its images: parsed from "1,3", and picked from a plane. */
public final class ImageChannels {

	private ImageChannels() {}

	/**
	 * Keeps only the given 1-based channels of an (x, y, c) plane; an empty list keeps all.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static RandomAccessibleInterval<? extends RealType<?>> select(ImagePlusPlanes.Plane plane,
		List<Integer> channels, String name)
	{
		RandomAccessibleInterval view = plane.image();
		if (channels.isEmpty()) return view;
		try {
			return Channels.pick(view, channels, name);
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("channels: " + e.getMessage(), e);
		}
	}

	/** Parses the values of the command lines' --channels ("1,3", or "1" and "3") into [1, 3]. */
	public static List<Integer> parse(List<String> values) {
		List<Integer> out = new ArrayList<>();
		for (String v : values)
			for (String part : v.split(",")) {
				if (part.isBlank()) continue;
				int channel;
				try {
					channel = Integer.parseInt(part.trim());
				}
				catch (NumberFormatException e) {
					throw new IllegalArgumentException("--channels takes 1-based channel numbers such as 1,2, not '" + part +
						"'");
				}
				if (out.contains(channel)) throw new IllegalArgumentException("--channels names channel " + channel + " twice; give " +
					"each channel once");
				out.add(channel);
			}
		return out;
	}
}
