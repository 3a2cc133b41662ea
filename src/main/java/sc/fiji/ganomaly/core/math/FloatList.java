package sc.fiji.ganomaly.core.math;

/** A growable float array. */
public final class FloatList {

	private float[] values = new float[1024];
	private int size;

	/** Appends a value. */
	public void add(float v) {
		if (size == values.length) values = java.util.Arrays.copyOf(values, size * 2);
		values[size++] = v;
	}

	/** The values added; the array may be longer than {@link #size()}. */
	public float[] values() {
		return values;
	}

	/** How many values were added. */
	public int size() {
		return size;
	}
}
