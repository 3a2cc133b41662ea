// Scores every image or stack in a folder with a GANomaly model and saves, for each, the anomaly
// map as <name>_anomaly.tif, plus all scores in scores.csv. Runs headless too:
//   ImageJ-linux64 --headless -macro scripts/score_folder.ijm "/data/stacks,/data/cells.ganomaly.zip,/data/out"
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
setBatchMode(true);
csv = "file,slice,frame,score,max_map,anomalous\n";
files = getFileList(input);
for (i = 0; i < files.length; i++) {
	name = files[i];
	if (!(endsWith(name, ".tif") || endsWith(name, ".tiff") || endsWith(name, ".png"))) continue;
	open(input + name);
	title = getTitle();
	run("Score Anomalies", "image=[" + title + "] model=[" + model + "] stride=0");
	// the map is the newest image; the scores are in the table "Anomaly scores"
	saveAs("Tiff", output + File.getNameWithoutExtension(name) + "_anomaly.tif");
	close();
	selectWindow("Anomaly scores");
	for (row = 0; row < Table.size; row++)
		csv = csv + name + "," + Table.get("slice", row) + "," + Table.get("frame", row) + "," + Table.get("score", row) + "," + Table.get("max_map", row) + "," + Table.get("anomalous", row) + "\n";
	close(title);
}
File.saveString(csv, output + "scores.csv");
print("Scored images of " + input + "; maps and scores.csv in " + output);
