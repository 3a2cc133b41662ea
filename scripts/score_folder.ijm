// Scores every image or stack in a folder with a GANomaly model: for each, the anomaly map as
// <name>_anomaly.tif, plus every plane's score in scores.csv (file,slice,score,anomalous), all in
// the output folder. Files that cannot be scored are listed in failures.csv and the log; the rest
// are scored. Stacks stream a few planes at a time, so their size does not matter. Runs headless too:
//   ImageJ-linux64 --headless -macro scripts/score_folder.ijm "/data/stacks,/data/cells.ganomaly.zip,/data/out"
// An optional fourth argument adds keys, e.g. "resume" to continue an interrupted run or
// "stopatfirstfailure" to stop the macro at the first bad file. A bad model file stops the macro.
// When a path holds a comma, separate the arguments with | ("/data/exp 3,4|/data/m.ganomaly.zip|/data/out").
args = getArgument();
extra = "";
if (args != "") {
	// a path that holds a comma: the arguments separated by | instead
	separator = ",";
	if (indexOf(args, "|") >= 0) separator = "|";
	parts = split(args, separator);
	if (parts.length < 3 || parts.length > 4) exit("score_folder.ijm takes \"FOLDER,MODEL,OUTPUT[,KEYS]\", not \"" + args +
		"\" (when a path holds a comma, separate the arguments with | instead)");
	input = parts[0]; model = parts[1]; output = parts[2];
	if (parts.length > 3) extra = parts[3];
	if (indexOf(extra, "/") >= 0 || indexOf(extra, "\\") >= 0) exit("score_folder.ijm: \"" + extra + "\" is no key but " +
		"part of a path; when a path holds a comma, separate the arguments with | instead");
} else {
	input = getDirectory("Folder of images to score");
	model = File.openDialog("GANomaly model (.ganomaly.zip)");
	output = getDirectory("Folder for maps and scores.csv");
}
run("Score Anomalies in Folder...", "folder=[" + input + "] model=[" + model + "] output=[" + output + "] " + extra);
print("Scored the images of " + input + "; maps and scores.csv in " + output);
