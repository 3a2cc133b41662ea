package sc.fiji.ganomaly.ij;

import java.nio.file.Path;

import ij.ImagePlus;
import ij.VirtualStack;
import ij.plugin.FileInfoVirtualStack;
import ij.process.ImageProcessor;

/**
 * A virtual stack whose planes are read quietly, each TIFF plane's compressed data checked first
 * ({@link TiffCheck#planeProblem}); a plane that cannot be read is an IllegalArgumentException.
 */
final class CheckedStack extends VirtualStack {

	private final FileInfoVirtualStack planes;
	private final TiffCheck.Report report; // null: nothing to check before a plane is read
	private final Path file;
	private final String option;
	private ImageProcessor first; // plane 1 as ImageJ read it on opening, handed once to the new ImagePlus

	private CheckedStack(FileInfoVirtualStack planes, TiffCheck.Report report, ImageProcessor first, Path file,
		String option)
	{
		super(planes.getWidth(), planes.getHeight(), planes.size());
		this.planes = planes;
		this.report = report;
		this.file = file;
		this.option = option;
		this.first = first;
		setBitDepth(planes.getBitDepth());
	}

	/** {@code planes} of {@code imp}, from a TIFF whose header check gave {@code report} (its first plane checked). */
	static ImagePlus wrap(ImagePlus imp, FileInfoVirtualStack planes, TiffCheck.Report report, Path file, String option) {
		ImageProcessor first = imp.getProcessor();
		ImagePlus checked = new ImagePlus(imp.getTitle(), new CheckedStack(planes, report, first != null && first
			.getWidth() == planes.getWidth() && first.getHeight() == planes.getHeight() ? first : null, file, option));
		checked.setDimensions(imp.getNChannels(), imp.getNSlices(), imp.getNFrames());
		checked.setCalibration(imp.getCalibration());
		checked.setFileInfo(imp.getOriginalFileInfo());
		checked.setOpenAsHyperStack(imp.isHyperStack());
		Object info = imp.getProperty("Info");
		if (info != null) checked.setProperty("Info", info);
		return checked;
	}

	@Override
	public ImageProcessor getProcessor(int n) {
		if (n == 1 && first != null) {
			ImageProcessor ip = first;
			first = null;
			return ip;
		}
		String problem = report == null || n == 1 ? null : TiffCheck.planeProblem(report, option, n);
		if (problem != null) throw new IllegalArgumentException(option + ": cannot read plane " + n + " of " + file + ": " +
			problem);
		QuietImageJ.Outcome<Object> read = QuietImageJ.call(() -> {
			try {
				return planes.getProcessor(n);
			}
			catch (RuntimeException e) {
				return e;
			}
		});
		if (read.value() instanceof ImageProcessor ip && read.output().isBlank()) return ip;
		String why = read.value() instanceof Throwable t ? String.valueOf(t.getMessage()) : read.firstLine();
		throw new IllegalArgumentException(option + ": cannot read plane " + n + " of " + file + (why.isBlank() ? ""
			: ": " + why.lines().findFirst().orElse("")));
	}

	@Override
	public int getSize() {
		return planes.getSize();
	}

	@Override
	public int size() {
		return planes.size();
	}

	@Override
	public String getSliceLabel(int n) {
		return planes.getSliceLabel(n);
	}
}
