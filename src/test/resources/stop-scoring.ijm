// Scores a folder in the GUI while StopClicker presses the progress window's Stop button;
// run by FijiMacroTest. argument: "DIR" (DIR holds in/ and model.ganomaly.zip; the output goes to out/)
dir = getArgument();
call("sc.fiji.ganomaly.fiji.StopClicker.clickWhenShown", "Score Anomalies in Folder", "300");
run("Score Anomalies in Folder...", "folder=[" + dir + "/in] model=[" + dir + "/model.ganomaly.zip] output=[" + dir + "/out] stride=1 score=latent");
print("RESULT after scoring");
