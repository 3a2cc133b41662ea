package sc.fiji.ganomaly.engine.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The network's variables, keyed by flat names, each with an initialiser fed from Java. Values
 * are drawn from a seeded {@link Random} in creation order, so a seed gives the same network on
 * every machine, and the discriminator can be re-initialised alone.
 */
final class VariableStore {

	/** How a variable starts out. */
	record Init(float mean, float std) {

		static Init normal(float mean, float std) {
			return new Init(mean, std);
		}

		static Init constant(float value) {
			return new Init(value, 0);
		}
	}

	/** One variable with its initialiser. */
	record Entry(String name, String owner, Variable<TFloat32> variable, Shape shape, Init init,
			boolean trainable, Placeholder<TFloat32> initValue, Op assign)
	{}

	private final Ops tf;
	private final Map<String, Entry> entries = new LinkedHashMap<>();

	VariableStore(Ops tf) {
		this.tf = tf;
	}

	/** Returns the variable of that name, creating it on first use. */
	Variable<TFloat32> get(String owner, String name, Shape shape, Init init, boolean trainable) {
		Entry e = entries.get(name);
		if (e != null) return e.variable();
		Variable<TFloat32> v = tf.withName(name).variable(shape, TFloat32.class);
		Placeholder<TFloat32> value = tf.withName(name + "_init").placeholder(TFloat32.class,
			Placeholder.shape(shape));
		Op assign = tf.withName(name + "_assign").assign(v, value);
		entries.put(name, new Entry(name, owner, v, shape, init, trainable, value, assign));
		return v;
	}

	/** Trainable variables of one owner ("g" or "d"), in creation order. */
	List<Output<TFloat32>> trainable(String owner) {
		List<Output<TFloat32>> out = new ArrayList<>();
		for (Entry e : entries.values())
			if (e.trainable() && e.owner().equals(owner)) out.add(e.variable().asOutput());
		return out;
	}

	/** Every variable's name and shape, in creation order. */
	Map<String, Shape> shapes() {
		Map<String, Shape> out = new LinkedHashMap<>();
		for (Entry e : entries.values())
			out.put(e.name(), e.shape());
		return out;
	}

	/** Number of trainable parameters of one owner. */
	long parameterCount(String owner) {
		long n = 0;
		for (Entry e : entries.values())
			if (e.trainable() && e.owner().equals(owner)) n += e.shape().size();
		return n;
	}

	/**
	 * Assigns fresh values to the variables of the given owner (null: all), drawing them from
	 * {@code random} in creation order.
	 */
	void initialize(Session session, Random random, String owner) {
		Session.Runner runner = session.runner();
		List<TFloat32> tensors = new ArrayList<>();
		try {
			for (Entry e : entries.values()) {
				if (owner != null && !owner.equals(e.owner())) continue;
				float[] values = new float[(int) e.shape().size()];
				for (int i = 0; i < values.length; i++)
					values[i] = e.init().std() == 0 ? e.init().mean()
						: (float) (e.init().mean() + e.init().std() * random.nextGaussian());
				TFloat32 t = TFloat32.tensorOf(e.shape(), DataBuffers.of(values, true, false));
				tensors.add(t);
				runner.feed(e.initValue(), t).addTarget(e.assign());
			}
			runner.run().close();
		}
		finally {
			tensors.forEach(TFloat32::close);
		}
	}
}
