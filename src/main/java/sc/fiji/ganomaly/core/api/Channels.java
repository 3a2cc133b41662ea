package sc.fiji.ganomaly.core.api;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.view.Views;

/** The channels of (x, y, c) planes, picked as views. */
public final class Channels {

	private Channels() {}

	/**
	 * The view of channels {@code oneBased} (1 the first) of {@code plane}, in the order given: a
	 * plane of as many channels, its pixels not copied.
	 *
	 * @param name names the plane in the message
	 * @throws IllegalArgumentException "{@code name} has channels 1 to N, not C" if a channel is not one of the plane's
	 */
	public static <T> RandomAccessibleInterval<T> pick(RandomAccessibleInterval<T> plane, List<Integer> oneBased,
		String name)
	{
		long available = plane.numDimensions() > 2 ? plane.dimension(2) : 1;
		List<RandomAccessibleInterval<T>> picked = new ArrayList<>(oneBased.size());
		for (int c : oneBased) {
			if (c < 1 || c > available) throw new IllegalArgumentException(name + " has channels 1 to " + available +
				", not " + c);
			picked.add(plane.numDimensions() > 2 ? Views.hyperSlice(plane, 2, c - 1) : plane);
		}
		return Views.stack(picked);
	}
}
