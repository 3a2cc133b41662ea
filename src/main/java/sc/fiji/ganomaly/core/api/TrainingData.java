package sc.fiji.ganomaly.core.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * Normal images to learn from: 2D planes with channels on the third axis (x, y, c). Z slices and
 * time frames of a stack are added as separate planes. The images are only read.
 */
public final class TrainingData {

	/** One named plane. */
	public record Sample(String name, RandomAccessibleInterval<? extends RealType<?>> image) {}

	private final List<Sample> samples = new ArrayList<>();
	private List<Integer> sourceChannels = List.of();

	/** Adds one plane (x, y[, c]); {@code name} appears in error messages. */
	public TrainingData add(String name, RandomAccessibleInterval<? extends RealType<?>> plane) {
		samples.add(new Sample(name, plane));
		return this;
	}

	public List<Sample> samples() {
		return Collections.unmodifiableList(samples);
	}

	public int size() {
		return samples.size();
	}

	/**
	 * Says which channels of the source images (1-based, in order) the planes hold, when they are a
	 * selection: the model records them, and images with more channels are scored on the same ones.
	 */
	public TrainingData sourceChannels(List<Integer> channels) {
		sourceChannels = List.copyOf(channels);
		return this;
	}

	/** The channels of the source images the planes hold; empty: all of them, as they are. */
	public List<Integer> sourceChannels() {
		return sourceChannels;
	}
}
