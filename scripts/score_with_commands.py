#@ CommandService command
#@ File (label="Model file", style="open") model_file
#@ ImagePlus image
# Scores an image by calling the Fiji command "Score Anomalies" through SciJava's CommandService,
# as a Jython script in Fiji or headless. The outputs come back as module outputs. Every input is
# given: in the GUI, SciJava opens the command's dialog for any input a script leaves out.
from sc.fiji.ganomaly.fiji import ScoreAnomaliesCommand

module = command.run(ScoreAnomaliesCommand, True, "image", image, "model", model_file, "stride", 0,
                     "threshold", "model", "score", "model", "createMask", False).get()
reason = module.getCommand().getCancelReason()
if reason is not None:
    raise Exception(reason)
anomaly_map = module.getOutput("anomalyMap")
table = module.getOutput("scores")
for row in range(table.size()):
    print("slice %d: score %.3f anomalous %d" % (
        table.getValue("slice", row), table.getValue("score", row), table.getValue("anomalous", row)))
