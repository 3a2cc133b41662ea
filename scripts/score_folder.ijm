// Scores every image or stack in a folder with a GANomaly model: for each, the anomaly map as
// <name>_anomaly.tif, plus every plane's score in scores.csv (file,slice,score,anomalous), all in
// the output folder. Files that cannot be scored are listed in failures.csv and the log; the rest
// are scored. Stacks stream plane by plane, so their size does not matter. Runs headless too:
//   ImageJ-linux64 --headless -macro scripts/score_folder.ijm "/data/stacks,/data/cells.ganomaly.zip,/data/out"
// An optional fourth argument adds keys, e.g. "resume" to continue an interrupted run or
// "stopatfirstfailure" to stop the macro at the first bad file. A bad model file stops the macro.
args = getArgument();
extra = "";
if (args != "") {
	parts = split(args, ",");
	if (parts.length < 3) exit("score_folder.ijm takes \"FOLDER,MODEL,OUTPUT[,KEYS]\", not \"" + args + "\"");
	input = parts[0]; model = parts[1]; output = parts[2];
	if (parts.length > 3) extra = parts[3];
} else {
	input = getDirectory("Folder of images to score");
	model = File.openDialog("GANomaly model (.ganomaly.zip)");
	output = getDirectory("Folder for maps and scores.csv");
}
run("Score Anomalies in Folder...", "folder=[" + input + "] model=[" + model + "] output=[" + output + "] " + extra);
print("Scored the images of " + input + "; maps and scores.csv in " + output);
