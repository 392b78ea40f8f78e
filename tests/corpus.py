"""Label Studio's own template configs and sample tasks, shipped in assets/templates/ for the Setup page's
gallery (Apache-2.0; its README says where each file came from). A config is named as in its original
layout, "v08/image_bbox" or "v1/videos/video-classification"; the files there are flat."""

from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "assets" / "templates"
CONFIGS = sorted(CORPUS.glob("*.xml"))
SAMPLE_TASKS = sorted(CORPUS.glob("*.tasks.json"))


def corpus_name(path):
    """"v08/image_bbox" for the config or the tasks file of that example."""
    return path.name.removesuffix(".xml").removesuffix(".tasks.json").replace(".", "/")


def corpus_file(name, kind="config.xml"):
    """The file of one corpus config by its name: its config.xml, or its tasks.json."""
    suffix = {"config.xml": ".xml", "tasks.json": ".tasks.json"}[kind]
    return CORPUS / (name.replace("/", ".") + suffix)
