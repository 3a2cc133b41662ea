// What a Fiji user's batch macro does, run by FijiMacroTest headless and in the GUI:
// train from a folder, score a single image (with a mask) and a stack, read the Results table,
// save maps, score a folder (with a broken file) with the shipped script, and finally fail on a
// wrong image title.
// argument: "DIR,SCRIPTS" (DIR holds train/ and score/; SCRIPTS is the project's scripts/)
args = split(getArgument(), ",");
dir = args[0]; scripts = args[1];
model = dir + "/m.ganomaly.zip";
runMacro(scripts + "/train_from_folder.ijm", dir + "/train," + model + ",patchsize=16 epochs=1 batchsize=32");
print("RESULT trained " + File.exists(model));
setBatchMode(true);
open(dir + "/score/anomalous_giant.tif");
t = getTitle();
run("Score Anomalies", "image=[" + t + "] model=[" + model + "] createmask");
print("RESULT single rows=" + nResults + " score=" + getResult("score", 0) + " table=" + Table.get("score", 0, "Results"));
// the command's last output is the image the macro is on, as after ImageJ's own commands
print("RESULT active after scoring=" + getTitle());
selectImage(t + " anomaly map");
print("RESULT map bits=" + bitDepth() + " size=" + getWidth() + "x" + getHeight());
saveAs("Tiff", dir + "/out/single_map.tif");
selectImage(t + " anomaly mask");
print("RESULT mask bits=" + bitDepth());
// the same image scored twice more: each map its own title, the newest one active
run("Score Anomalies", "image=[" + t + "] model=[" + model + "]");
run("Score Anomalies", "image=[" + t + "] model=[" + model + "]");
print("RESULT again active=" + getTitle() + " titles=" + String.join(getList("image.titles"), "|"));
// and with a mask again: the map and the mask of one run share their suffix
run("Score Anomalies", "image=[" + t + "] model=[" + model + "] createmask");
print("RESULT pair titles=" + String.join(getList("image.titles"), "|"));
open(dir + "/score/stack_anomalous.tif");
s = getTitle();
run("Score Anomalies", "image=[" + s + "] model=[" + model + "] stride=4");
print("RESULT stack slices=" + nSlices + " rows=" + nResults);
saveAs("Tiff", dir + "/out/stack_map.tif"); // no selectImage: the map is the image the macro is on
selectImage(s);
print("RESULT stack input title=" + getTitle() + " bits=" + bitDepth());
// two open images of one title: the one the macro is on is scored (the stack, not the single image)
id = getImageID();
rename(t);
run("Score Anomalies", "image=[" + t + "] model=[" + model + "]");
print("RESULT same title rows=" + nResults);
selectImage(id);
rename(s);
runMacro(scripts + "/score_folder.ijm", dir + "/score," + model + "," + dir + "/folder-out");
print("RESULT done");
run("Score Anomalies", "image=[no such image] model=[" + model + "]");
print("RESULT after failure");
