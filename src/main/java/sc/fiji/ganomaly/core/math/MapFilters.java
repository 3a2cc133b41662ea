package sc.fiji.ganomaly.core.math;

/** Filters of float planes: anomaly maps and texture feature planes. */
public final class MapFilters {

	private MapFilters() {}

	/** Separable Gaussian smoothing in place (kernel ±3 sigma, borders renormalised). */
	public static void gaussian(float[] v, int width, int height, double sigma) {
		int r = (int) Math.ceil(3 * sigma);
		if (r < 1) return;
		float[] k = new float[2 * r + 1];
		for (int i = -r; i <= r; i++)
			k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
		float[] line = new float[Math.max(width, height)];
		for (int y = 0; y < height; y++) {
			System.arraycopy(v, y * width, line, 0, width);
			for (int x = 0; x < width; x++) {
				double sum = 0, weight = 0;
				for (int i = Math.max(-r, -x); i <= Math.min(r, width - 1 - x); i++) {
					sum += k[i + r] * line[x + i];
					weight += k[i + r];
				}
				v[y * width + x] = (float) (sum / weight);
			}
		}
		for (int x = 0; x < width; x++) {
			for (int y = 0; y < height; y++)
				line[y] = v[y * width + x];
			for (int y = 0; y < height; y++) {
				double sum = 0, weight = 0;
				for (int i = Math.max(-r, -y); i <= Math.min(r, height - 1 - y); i++) {
					sum += k[i + r] * line[y + i];
					weight += k[i + r];
				}
				v[y * width + x] = (float) (sum / weight);
			}
		}
	}
}
