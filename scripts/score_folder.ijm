// Scores every image or stack in a folder with a GANomaly model and saves, for each, the anomaly
// map as <name>_anomaly.tif, plus all per-plane scores in scores.csv. Runs headless too:
//   ImageJ-linux64 --headless -macro scripts/score_folder.ijm "/data/stacks,/data/cells.ganomaly.zip,/data/out"
// A failure (a bad model file, an image the model cannot score) stops the macro with its reason.
args = getArgument();
if (args != "") {
	parts = split(args, ",");
	input = parts[0]; model = parts[1]; output = parts[2];
} else {
	input = getDirectory("Folder of images to score");
	model = File.openDialog("GANomaly model (.ganomaly.zip)");
	output = getDirectory("Folder for maps and scores.csv");
}
if (!endsWith(input, File.separator)) input = input + File.separator;
if (!endsWith(output, File.separator)) output = output + File.separator;
File.makeDirectory(output);
if (!File.isDirectory(output)) exit("Cannot create the output folder " + output);
setBatchMode(true);
csv = "file,slice,frame,score,max_map,anomalous\n";
files = getFileList(input);
for (i = 0; i < files.length; i++) {
	name = files[i];
	if (!(endsWith(name, ".tif") || endsWith(name, ".tiff") || endsWith(name, ".png"))) continue;
	open(input + name);
	title = getTitle();
	run("Score Anomalies", "image=[" + title + "] model=[" + model + "]");
	// the map is the image "<title> anomaly map"; the per-plane scores are in the Results table
	selectImage(title + " anomaly map");
	saveAs("Tiff", output + File.getNameWithoutExtension(name) + "_anomaly.tif");
	close();
	for (row = 0; row < nResults; row++)
		csv = csv + name + "," + getResult("slice", row) + "," + getResult("frame", row) + "," + getResult("score", row) + "," + getResult("max_map", row) + "," + getResult("anomalous", row) + "\n";
	close(title);
}
File.saveString(csv, output + "scores.csv");
print("Scored images of " + input + "; maps and scores.csv in " + output);
