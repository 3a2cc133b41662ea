#@ File (label="Model file", style="open") model_file
#@ ImagePlus image
#@ Integer (label="Stride (0: patch size / 4)", value=0) stride
# Scores the planes of an image with the GANomaly core API directly (no command), printing one
# line per plane and returning the anomaly map of the first plane as a new 32-bit image.
# Jython in Fiji: Script Editor, language Python; the #@ lines are SciJava script parameters.
from sc.fiji.ganomaly.core import GanomalyModel
from sc.fiji.ganomaly.ij import ImagePlusPlanes
from ij import ImagePlus
from ij.process import FloatProcessor

model = GanomalyModel.load(model_file.toPath())
try:
    step = stride if stride > 0 else max(1, model.patchSize() // 4)
    results = []
    for plane in ImagePlusPlanes.of(image):
        s = model.score(plane.image(), step, image.getTitle())
        results.append((plane.slice(), plane.frame(), s.score(), s.mapMax()))
        print("slice %d frame %d: score %.3f, map max %.3f, anomalous %s" % (
            plane.slice(), plane.frame(), s.score(), s.mapMax(), s.score() > model.threshold()))
        if len(results) == 1:
            first_map = ImagePlus(image.getTitle() + " anomaly map",
                                  FloatProcessor(s.map().width(), s.map().height(), s.map().values()))
finally:
    model.close()
