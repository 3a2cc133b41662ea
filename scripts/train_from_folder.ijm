// Trains a GANomaly model on a folder of normal images (every slice and frame is a sample).
// Headless: ImageJ-linux64 --headless -macro scripts/train_from_folder.ijm "/data/normal,/data/cells.ganomaly.zip"
// Keys left out take their documented defaults (patchsize=32 epochs=15 batchsize=64 seed=0
// validationfraction=0.1); an optional third argument adds keys, e.g. "epochs=5".
args = getArgument();
extra = "";
if (args != "") {
	parts = split(args, ",");
	if (parts.length < 2) exit("train_from_folder.ijm takes \"FOLDER,MODEL[,KEYS]\", not \"" + args + "\"");
	folder = parts[0]; model = parts[1];
	if (parts.length > 2) extra = parts[2];
} else {
	folder = getDirectory("Folder of normal images");
	model = File.saveDialog("Model file to write (.ganomaly.zip)");
}
run("Train GANomaly", "folder=[" + folder + "] model=[" + model + "] " + extra);
print("Model written to " + model);
