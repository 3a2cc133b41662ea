#@ GanomalyService ganomaly
#@ File (label="Model file", style="open") model_file
#@ ImagePlus image
#@ Integer (label="Stride (0: patch size / 4)", value=0) stride
#@output ImagePlus first_map
# Scores the planes of an image with the GANomaly API (no command), printing one line per plane
# and returning the anomaly map of the first plane as a new 32-bit image. The model comes from
# Fiji's GanomalyService, which loads a model file once and shares it with every script and
# command running at the same time; the lease says "in use" until it is closed.
# Jython in Fiji: Script Editor, language Python; the #@ lines are SciJava script parameters.
from sc.fiji.ganomaly.core import ScoreParameters
from sc.fiji.ganomaly.ij import ImagePlusPlanes
from ij import ImagePlus
from ij.process import FloatProcessor

lease = ganomaly.model(model_file)
try:
    model = lease.model()
    step = ScoreParameters.stride(stride, model.patchSize(), "stride")
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
    lease.close()
