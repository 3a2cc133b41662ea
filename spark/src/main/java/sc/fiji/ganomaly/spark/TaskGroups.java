package sc.fiji.ganomaly.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/** Work items packed into Spark tasks of a few planes, so that many small files do not cost a task each. */
final class TaskGroups {

	private TaskGroups() {}

	/**
	 * {@code items} in consecutive groups of at most {@code maxPlanes} planes (an item of more planes is a
	 * group of its own), in order; each group a serialisable list, one Spark task's work.
	 */
	static <T> List<ArrayList<T>> of(List<T> items, ToIntFunction<T> planes, int maxPlanes) {
		List<ArrayList<T>> groups = new ArrayList<>();
		ArrayList<T> group = new ArrayList<>();
		int inGroup = 0;
		for (T item : items) {
			int n = planes.applyAsInt(item);
			if (!group.isEmpty() && inGroup + n > maxPlanes) {
				groups.add(group);
				group = new ArrayList<>();
				inGroup = 0;
			}
			group.add(item);
			inGroup += n;
		}
		if (!group.isEmpty()) groups.add(group);
		return groups;
	}
}
