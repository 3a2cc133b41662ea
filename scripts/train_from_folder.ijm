// Trains a GANomaly model on a folder of normal images (every slice and frame is a sample).
// Headless: ImageJ-linux64 --headless -macro scripts/train_from_folder.ijm "/data/normal,/data/cells.ganomaly.zip"
// Keys left out take their documented defaults (patchsize=32 epochs=15 batchsize=64 seed=0
// validationfraction=0.1); an optional third argument adds keys, e.g. "epochs=5". When a path holds a
// comma, separate the arguments with | ("/data/exp 3,4|/data/cells.ganomaly.zip").
args = getArgument();
extra = "";
if (args != "") {
	// a path that holds a comma: the arguments separated by | instead
	separator = ",";
	if (indexOf(args, "|") >= 0) separator = "|";
	parts = split(args, separator);
	if (parts.length < 2 || parts.length > 3) exit("train_from_folder.ijm takes \"FOLDER,MODEL[,KEYS]\", not \"" + args +
		"\" (when a path holds a comma, separate the arguments with | instead)");
	folder = parts[0]; model = parts[1];
	if (parts.length > 2) extra = parts[2];
	if (indexOf(extra, "/") >= 0 || indexOf(extra, "\\") >= 0) exit("train_from_folder.ijm: \"" + extra + "\" is no key " +
		"but part of a path; when a path holds a comma, separate the arguments with | instead");
} else {
	folder = getDirectory("Folder of normal images");
	model = File.saveDialog("Model file to write (.ganomaly.zip)");
}
run("Train GANomaly", "folder=[" + folder + "] model=[" + model + "] " + extra);
print("Model written to " + model);
