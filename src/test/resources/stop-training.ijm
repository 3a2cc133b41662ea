// Trains for many epochs in the GUI while StopClicker presses the loss chart's Stop button
// after an epoch; run by FijiMacroTest and scripts/screenshots.
// argument: "DIR,EPOCH,MARKER,DELAYMS" (DIR holds train/ and the image normal_01.tif)
args = split(getArgument(), ",");
dir = args[0];
open(dir + "/normal_01.tif");
call("sc.fiji.ganomaly.fiji.StopClicker.clickAfterEpoch", args[1], args[2], args[3]);
run("Train GANomaly", "folder=[" + dir + "/train] model=[" + dir + "/stopped.ganomaly.zip] patchsize=16 epochs=40 batchsize=32 score=latent");
print("RESULT after training " + File.exists(dir + "/stopped.ganomaly.zip"));
