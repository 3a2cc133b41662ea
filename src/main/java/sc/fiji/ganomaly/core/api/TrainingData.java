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

	/** The key of the training data in refusals ("input: …"), which front ends rename to their own. */
	public static final String KEY = "input";

	/** One named plane. */
	public record Sample(String name, RandomAccessibleInterval<? extends RealType<?>> image) {}

	private final List<Sample> samples = new ArrayList<>();
	private List<Integer> sourceChannels = List.of();
	private int sourceChannelCount;

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
	 * Says that the planes hold {@code channels} (1-based, in order) of source images of
	 * {@code of} channels. A selection other than all of them in order is recorded by the model, and
	 * images of {@code of} channels are then scored on the same ones.
	 */
	public TrainingData sourceChannels(List<Integer> channels, int of) {
		boolean all = channels.equals(java.util.stream.IntStream.rangeClosed(1, of).boxed().toList());
		sourceChannels = channels.isEmpty() || all ? List.of() : List.copyOf(channels);
		sourceChannelCount = sourceChannels.isEmpty() ? 0 : of;
		return this;
	}

	/** The channels of the source images the planes hold, a selection; empty: the images as they are. */
	public List<Integer> sourceChannels() {
		return sourceChannels;
	}

	/** How many channels the source images of {@link #sourceChannels()} have (0 when that is empty). */
	public int sourceChannelCount() {
		return sourceChannelCount;
	}
}
