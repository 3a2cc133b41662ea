package sc.fiji.ganomaly.core.texture;
import sc.fiji.ganomaly.core.math.MapFilters;
import sc.fiji.ganomaly.core.math.GaussianMixture;
import sc.fiji.ganomaly.core.plane.NormalizedPlane;
import sc.fiji.ganomaly.core.plane.Tile;
import sc.fiji.ganomaly.core.plane.TileSource;

/**
 * The straightforward texture score, one pixel at a time on one thread: the reference the fast
 * {@link TextureModel}, {@link MapFilters} and {@link GaussianMixture} are checked and timed against.
 */
public final class TextureReference {

	private static final double VARIANCE_FLOOR = 1e-4, LAPLACIAN_FLOOR = 1e-6;

	private TextureReference() {}

	/** Separable Gaussian smoothing in place (kernel ±3 sigma, borders renormalised), column by column. */
	static void gaussian(float[] v, int width, int height, double sigma) {
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

	/** Feature planes {@code [feature][y * w + x]} of interleaved channels. */
	static float[][] features(float[] data, int w, int h, int channels, double[] scales, FeatureSet features) {
		float[][] out = new float[TextureModel.dim(scales, features, channels)][];
		boolean gradients = features == FeatureSet.STATISTICS_AND_GRADIENTS;
		int n = w * h, f = 0;
		float[] img = new float[n], sq = new float[n], grad = new float[n];
		float[] gxx = gradients ? new float[n] : null, gyy = gradients ? new float[n] : null,
				gxy = gradients ? new float[n] : null, magnitude = gradients ? new float[n] : null;
		for (int c = 0; c < channels; c++) {
			for (int i = 0; i < n; i++)
				img[i] = data[i * channels + c];
			for (int i = 0; i < n; i++)
				sq[i] = img[i] * img[i];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					float gx = w == 1 ? 0 : x == 0 ? img[y * w + 1] - img[y * w] : x == w - 1 ? img[y * w + x] - img[y * w + x -
						1] : 0.5f * (img[y * w + x + 1] - img[y * w + x - 1]);
					float gy = h == 1 ? 0 : y == 0 ? img[w + x] - img[x] : y == h - 1 ? img[y * w + x] - img[(y - 1) * w + x] :
						0.5f * (img[(y + 1) * w + x] - img[(y - 1) * w + x]);
					int i = y * w + x;
					grad[i] = gx * gx + gy * gy;
					if (gradients) {
						gxx[i] = gx * gx;
						gyy[i] = gy * gy;
						gxy[i] = gx * gy;
						magnitude[i] = (float) Math.sqrt(grad[i]);
					}
				}
			for (double s : scales) {
				float[] mean = img.clone(), var = sq.clone(), energy = grad.clone(), lap = img.clone();
				gaussian(mean, w, h, s);
				gaussian(var, w, h, s);
				gaussian(energy, w, h, s);
				gaussian(lap, w, h, s / 2);
				float[] l2 = laplacianSquared(lap, w, h);
				gaussian(l2, w, h, s);
				for (int i = 0; i < n; i++) {
					var[i] = (float) Math.log(Math.max(var[i] - mean[i] * mean[i], 0) + VARIANCE_FLOOR);
					energy[i] = (float) Math.log(energy[i] + VARIANCE_FLOOR);
					l2[i] = (float) Math.log(l2[i] + LAPLACIAN_FLOOR);
				}
				out[f++] = mean;
				out[f++] = var;
				out[f++] = energy;
				out[f++] = l2;
				if (gradients) {
					float[] a = gxx.clone(), b = gyy.clone(), cc = gxy.clone();
					gaussian(a, w, h, s);
					gaussian(b, w, h, s);
					gaussian(cc, w, h, s);
					for (int i = 0; i < n; i++) {
						double d = a[i] - b[i];
						a[i] = (float) (Math.sqrt(d * d + 4.0 * cc[i] * cc[i]) / (a[i] + b[i] + VARIANCE_FLOOR));
					}
					out[f++] = a;
					float[] m = magnitude.clone();
					gaussian(m, w, h, s);
					double epsilon = Math.sqrt(VARIANCE_FLOOR);
					for (int i = 0; i < n; i++)
						m[i] = (float) (2 * Math.log(m[i] + epsilon) - energy[i]);
					out[f++] = m;
				}
			}
		}
		return out;
	}

	private static float[] laplacianSquared(float[] v, int w, int h) {
		float[] out = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				float c = v[y * w + x];
				float l = v[y * w + Math.max(0, x - 1)] + v[y * w + Math.min(w - 1, x + 1)] + v[Math.max(0, y - 1) * w + x] +
					v[Math.min(h - 1, y + 1) * w + x] - 4 * c;
				out[y * w + x] = l * l;
			}
		return out;
	}

	/** −2 log p(x) of one vector, component by component with the precision matrices. */
	static float score(GaussianMixture g, float[] x, int offset) {
		int k = g.components(), d = g.dim();
		double[] log = new double[k], s = new double[d];
		double max = Double.NEGATIVE_INFINITY;
		for (int c = 0; c < k; c++) {
			for (int j = 0; j < d; j++)
				s[j] = x[offset + j] - g.means()[c * d + j];
			double q = 0;
			int base = c * d * d;
			for (int a = 0; a < d; a++) {
				double row = 0;
				for (int b = a + 1; b < d; b++)
					row += g.precisions()[base + a * d + b] * s[b];
				q += s[a] * (g.precisions()[base + a * d + a] * s[a] + 2 * row);
			}
			log[c] = Math.log(g.weights()[c]) - 0.5 * (q + g.logDets()[c]);
			max = Math.max(max, log[c]);
		}
		double sum = 0;
		for (int c = 0; c < k; c++)
			sum += Math.exp(log[c] - max);
		return (float) (-2 * (max + Math.log(sum)));
	}

	/** The raw map of a whole normalised plane as the model scores it: features of the whole plane, then smoothing. */
	static float[] map(TextureModel t, NormalizedPlane p) {
		int w = p.width(), h = p.height(), channels = p.channels();
		float[] data = p.data().clone();
		if (t.intensities() != null) t.intensities().apply(data, p);
		float[][] f = features(data, w, h, channels, t.scales(), t.features());
		float[] out = new float[w * h], vector = new float[f.length];
		for (int i = 0; i < w * h; i++) {
			for (int k = 0; k < f.length; k++)
				vector[k] = f[k][i];
			out[i] = score(t.density(), vector, 0);
		}
		if (t.sigma() > 0) gaussian(out, w, h, t.sigma());
		return out;
	}

	/** The raw map read tile by tile as {@link TextureModel#map} reads it, scored one pixel at a time. */
	static float[] map(TextureModel t, int width, int height, TileSource source) {
		float[] out = new float[width * height];
		int m = t.margin(), d = t.density().dim();
		float[] vector = new float[d];
		for (int ty = 0; ty < height; ty += TextureModel.TILE)
			for (int tx = 0; tx < width; tx += TextureModel.TILE) {
				int x0 = Math.max(0, tx - m), y0 = Math.max(0, ty - m);
				int x1 = Math.min(width, tx + TextureModel.TILE + m), y1 = Math.min(height, ty + TextureModel.TILE + m);
				int w = x1 - x0, h = y1 - y0;
				Tile tile = source.tile(x0, y0, w, h);
				NormalizedPlane p = tile.plane();
				int c = p.channels();
				float[] data = new float[w * h * c];
				for (int y = 0; y < h; y++)
					System.arraycopy(p.data(), ((y0 - tile.y0() + y) * p.width() + x0 - tile.x0()) * c, data, y * w * c, w * c);
				if (t.intensities() != null) t.intensities().apply(data, p);
				float[][] f = features(data, w, h, c, t.scales(), t.features());
				for (int y = ty; y < Math.min(height, ty + TextureModel.TILE); y++)
					for (int x = tx; x < Math.min(width, tx + TextureModel.TILE); x++) {
						int i = (y - y0) * w + (x - x0);
						for (int k = 0; k < d; k++)
							vector[k] = f[k][i];
						out[y * width + x] = score(t.density(), vector, 0);
					}
			}
		if (t.sigma() > 0) gaussian(out, width, height, t.sigma());
		return out;
	}
}
