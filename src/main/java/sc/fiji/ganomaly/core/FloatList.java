package sc.fiji.ganomaly.core;

/** A growable float array. */
final class FloatList {

	float[] values = new float[1024];
	int size;

	void add(float v) {
		if (size == values.length) values = java.util.Arrays.copyOf(values, size * 2);
		values[size++] = v;
	}
}
