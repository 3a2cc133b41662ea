package sc.fiji.ganomaly.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Fashion-MNIST in IDX format (as Debian's dataset-fashion-mnist installs it), 28x28 8-bit. */
final class FashionMnist {

	static final Path DEFAULT_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");

	final byte[][] images;
	final int[] labels;

	private FashionMnist(byte[][] images, int[] labels) {
		this.images = images;
		this.labels = labels;
	}

	/** Train and test sets pooled, as the GANomaly protocol does. */
	static FashionMnist pooled(Path folder) throws IOException {
		FashionMnist train = read(folder, "train"), test = read(folder, "t10k");
		byte[][] images = new byte[train.images.length + test.images.length][];
		int[] labels = new int[images.length];
		System.arraycopy(train.images, 0, images, 0, train.images.length);
		System.arraycopy(test.images, 0, images, train.images.length, test.images.length);
		System.arraycopy(train.labels, 0, labels, 0, train.labels.length);
		System.arraycopy(test.labels, 0, labels, train.labels.length, test.labels.length);
		return new FashionMnist(images, labels);
	}

	static FashionMnist read(Path folder, String prefix) throws IOException {
		byte[][] images;
		try (DataInputStream in = open(folder.resolve(prefix + "-images-idx3-ubyte.gz"))) {
			if (in.readInt() != 2051) throw new IOException("not an IDX image file");
			int n = in.readInt(), h = in.readInt(), w = in.readInt();
			images = new byte[n][h * w];
			for (byte[] image : images)
				in.readFully(image);
		}
		int[] labels;
		try (DataInputStream in = open(folder.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
			if (in.readInt() != 2049) throw new IOException("not an IDX label file");
			labels = new int[in.readInt()];
			for (int i = 0; i < labels.length; i++)
				labels[i] = in.readUnsignedByte();
		}
		return new FashionMnist(images, labels);
	}

	private static DataInputStream open(Path file) throws IOException {
		InputStream in = Files.newInputStream(file);
		return new DataInputStream(new GZIPInputStream(in, 1 << 16));
	}
}
