import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copies what the current sources build into a staging folder, leaving out what earlier builds
 * left in the class folder. Maven's compiler (as pom-scijava configures it) only ever adds and
 * overwrites class files, and SciJava's annotation processor merges its plugin index with the one
 * it finds, so a deleted class stays in {@code target/classes} with its index entry, and Fiji then
 * tries to create it ("Invalid service: ..."). {@code scripts/install-into-fiji} installs from the
 * stage.
 * <p>
 * A class file is current if the source file its {@code SourceFile} attribute names exists in its
 * package's folder of one of the source roots, and the class file is not older than that source:
 * javac writes every class of a source file whenever it compiles it, so a class that a source no
 * longer declares (a nested or anonymous class removed since) keeps the time of an older
 * compilation. A top-level class older than its own source file (X.class and X.java) means the
 * build is out of date, and staging fails rather than leave it out. Other files are staged if
 * they are resources of the sources, and SciJava's indexes ({@value #INDEXES}) keep the entries of
 * staged classes only.
 * <p>
 * usage (from the repository root, JDK 17+):
 * {@code java scripts/StageClasses.java CLASSES STAGE RESOURCES SOURCE_ROOT...}, e.g.
 * {@code java scripts/StageClasses.java target/classes /tmp/stage src/main/resources src/main/java target/generated-sources/annotations}.
 * Prints one line of counts and the files left out; exit code 1 with a message if the build is
 * out of date.
 */
public final class StageClasses {

	/** Folder of SciJava's annotation indexes in a class folder. */
	static final String INDEXES = "META-INF/json/";
	private static final String CLASS = ".class";
	private static final Pattern INDEXED_CLASS = Pattern.compile("\"class\"\\s*:\\s*\"([^\"]+)\"");

	private final Path classes, stage, resources;
	private final List<Path> sourceRoots;
	private final Set<String> staged = new TreeSet<>();
	private final List<String> leftOut = new ArrayList<>();

	private StageClasses(Path classes, Path stage, Path resources, List<Path> sourceRoots) {
		this.classes = classes;
		this.stage = stage;
		this.resources = resources;
		this.sourceRoots = sourceRoots;
	}

	public static void main(String[] args) throws IOException {
		if (args.length < 4) {
			System.err.println("usage: java scripts/StageClasses.java CLASSES STAGE RESOURCES SOURCE_ROOT...");
			System.exit(2);
		}
		List<Path> roots = Stream.of(args).skip(3).map(Path::of).toList();
		StageClasses s = new StageClasses(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), roots);
		try {
			s.run();
		}
		catch (OutOfDate e) {
			System.err.println("StageClasses: " + e.getMessage());
			System.exit(1);
		}
		System.out.println("staged " + s.staged.size() + " classes of the current sources" + (s.leftOut.isEmpty() ? ""
			: "; left out " + s.leftOut.size() + " left by earlier builds: " + String.join(", ", s.leftOut)));
	}

	/** Stages the current classes, then resources and indexes. */
	private void run() throws IOException {
		List<Path> files;
		try (Stream<Path> walk = Files.walk(classes)) {
			files = walk.filter(Files::isRegularFile).sorted().toList();
		}
		for (Path f : files)
			if (f.toString().endsWith(CLASS)) stageClass(f);
		for (Path f : files) {
			String name = relative(f);
			if (name.endsWith(CLASS)) continue;
			if (name.startsWith(INDEXES)) stageIndex(f, name);
			else if (Files.isRegularFile(resources.resolve(name))) copy(f, name);
			else leftOut.add(name);
		}
	}

	/** Copies a class file if the current sources build it (see the class description). */
	private void stageClass(Path file) throws IOException {
		String name = relative(file);
		String sourceFile = sourceFile(file);
		Path source = sourceFile == null ? null : source(name, sourceFile);
		if (source == null || olderThan(file, source)) {
			if (source != null && isPrimary(name, sourceFile)) throw new OutOfDate(name + " is older than " + source +
				": the build is out of date; build first (mvn -DskipTests process-classes)");
			leftOut.add(name);
			return;
		}
		copy(file, name);
		staged.add(name.substring(0, name.length() - CLASS.length()).replace('/', '.'));
	}

	/** The source file {@code sourceFile} in the folder of class {@code name}'s package, or null if no root has it. */
	private Path source(String name, String sourceFile) {
		int slash = name.lastIndexOf('/');
		String path = (slash < 0 ? "" : name.substring(0, slash + 1)) + sourceFile;
		for (Path root : sourceRoots)
			if (Files.isRegularFile(root.resolve(path))) return root.resolve(path);
		return null;
	}

	/** True for the top-level class a source file is named after (a/B.class of B.java). */
	private static boolean isPrimary(String name, String sourceFile) {
		String simple = name.substring(name.lastIndexOf('/') + 1, name.length() - CLASS.length());
		return sourceFile.equals(simple + ".java");
	}

	/** Copies a SciJava index, keeping the entries of staged classes only. */
	private void stageIndex(Path file, String name) throws IOException {
		String index = Files.readString(file, StandardCharsets.UTF_8);
		StringBuilder kept = new StringBuilder();
		for (String entry : entries(index)) {
			Matcher m = INDEXED_CLASS.matcher(entry);
			String type = m.find() ? m.group(1) : null;
			if (type == null || staged.contains(type)) kept.append(entry);
			else leftOut.add(name + " entry " + type);
		}
		Path target = stage.resolve(name);
		Files.createDirectories(target.getParent());
		Files.writeString(target, kept, StandardCharsets.UTF_8);
	}

	/** The top-level JSON objects of an index, which SciJava writes one after another. */
	static List<String> entries(String index) {
		List<String> out = new ArrayList<>();
		int depth = 0, start = -1;
		boolean inString = false, escaped = false;
		for (int i = 0; i < index.length(); i++) {
			char c = index.charAt(i);
			if (inString) {
				if (escaped) escaped = false;
				else if (c == '\\') escaped = true;
				else if (c == '"') inString = false;
			}
			else if (c == '"') inString = true;
			else if (c == '{' && depth++ == 0) start = i;
			else if (c == '}' && --depth == 0) out.add(index.substring(start, i + 1));
		}
		return out;
	}

	private void copy(Path file, String name) throws IOException {
		Path target = stage.resolve(name);
		Files.createDirectories(target.getParent());
		Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
	}

	/** The path of a file in the class folder, with forward slashes. */
	private String relative(Path file) {
		return classes.relativize(file).toString().replace('\\', '/');
	}

	private static boolean olderThan(Path a, Path b) throws IOException {
		return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b)) < 0;
	}

	/** The {@code SourceFile} attribute of a class file, or null if it has none. */
	static String sourceFile(Path classFile) throws IOException {
		try (InputStream in = Files.newInputStream(classFile); DataInputStream d = new DataInputStream(in)) {
			if (d.readInt() != 0xCAFEBABE) throw new IOException(classFile + " is not a class file");
			d.readUnsignedShort(); // minor version
			d.readUnsignedShort(); // major version
			String[] utf8 = constantPool(d);
			d.readUnsignedShort(); // access flags
			d.readUnsignedShort(); // this class
			d.readUnsignedShort(); // super class
			d.skipNBytes(2L * d.readUnsignedShort()); // interfaces
			for (int members = 0; members < 2; members++) // fields, then methods
				for (int n = d.readUnsignedShort(); n > 0; n--) {
					d.skipNBytes(6); // access flags, name, descriptor
					skipAttributes(d);
				}
			for (int n = d.readUnsignedShort(); n > 0; n--) {
				String attribute = utf8[d.readUnsignedShort()];
				int length = d.readInt();
				if ("SourceFile".equals(attribute)) return utf8[d.readUnsignedShort()];
				d.skipNBytes(length);
			}
			return null;
		}
	}

	/** Reads the constant pool; returns its UTF-8 entries by index (null elsewhere). */
	private static String[] constantPool(DataInputStream d) throws IOException {
		int count = d.readUnsignedShort();
		String[] utf8 = new String[count];
		for (int i = 1; i < count; i++) {
			int tag = d.readUnsignedByte();
			switch (tag) {
				case 1 -> utf8[i] = d.readUTF();
				case 3, 4, 9, 10, 11, 12, 17, 18 -> d.skipNBytes(4);
				case 5, 6 -> {
					d.skipNBytes(8);
					i++; // long and double take two entries
				}
				case 7, 8, 16, 19, 20 -> d.skipNBytes(2);
				case 15 -> d.skipNBytes(3);
				default -> throw new IOException("unknown constant pool tag " + tag);
			}
		}
		return utf8;
	}

	private static void skipAttributes(DataInputStream d) throws IOException {
		for (int n = d.readUnsignedShort(); n > 0; n--) {
			d.skipNBytes(2);
			d.skipNBytes(Integer.toUnsignedLong(d.readInt()));
		}
	}

	/** The class folder holds classes older than their sources: the build is out of date. */
	private static final class OutOfDate extends RuntimeException {

		OutOfDate(String message) {
			super(message);
		}
	}
}
