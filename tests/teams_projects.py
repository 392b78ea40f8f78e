"""Projects the server tests push: image, text and audio, with completions, predictions, relations and
per-region TextAreas, made in the tests from bytes they build (a PNG, a WAV)."""

import io
import struct
import wave
import zlib

from lsdesk.importer import upload_of
from lsdesk.workspace import Workspace

IMAGE_CONFIG = """<View>
  <Image name="img" value="$image"/>
  <RectangleLabels name="label" toName="img"><Label value="Cat"/><Label value="Dog"/></RectangleLabels>
  <TextArea name="note" toName="img" perRegion="true"/>
  <Relations><Relation value="chases"/></Relations>
</View>"""

TEXT_CONFIG = """<View>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
  <Text name="text" value="$text"/>
  <Relations><Relation value="lives_in"/></Relations>
</View>"""

AUDIO_CONFIG = """<View>
  <Labels name="kind" toName="audio"><Label value="Speech"/><Label value="Noise"/></Labels>
  <Audio name="audio" value="$audio"/>
  <TextArea name="transcript" toName="audio" perRegion="true"/>
</View>"""


class _Media:
    def __init__(self, name, data):
        self.name, self.data = name, data


def png(shade):
    """A 2x2 PNG of one grey shade: each shade gives other bytes."""
    raw = b"".join(b"\x00" + bytes([shade]) * 2 for _ in range(2))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def wav(frames):
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x01\x00" * frames)
    return out.getvalue()


def rect(region_id, label, x):
    return {"id": region_id, "from_name": "label", "to_name": "img", "type": "rectanglelabels",
            "original_width": 2, "original_height": 2,
            "value": {"x": x, "y": 10, "width": 20, "height": 20, "rotation": 0, "rectanglelabels": [label]}}


def image_result(label="Cat", note="fluffy"):
    return [rect("r1", label, 5), rect("r2", "Dog", 50),
            {"id": "r1", "from_name": "note", "to_name": "img", "type": "textarea", "original_width": 2,
             "original_height": 2, "value": {"x": 5, "y": 10, "width": 20, "height": 20, "rotation": 0, "text": [note]}},
            {"from_id": "r1", "to_id": "r2", "type": "relation", "direction": "right", "labels": ["chases"]}]


def text_result():
    return [{"id": "s1", "from_name": "ner", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 3, "text": "Ann", "labels": ["PER"]}},
            {"id": "s2", "from_name": "ner", "to_name": "text", "type": "labels",
             "value": {"start": 12, "end": 17, "text": "Paris", "labels": ["LOC"]}},
            {"from_id": "s1", "to_id": "s2", "type": "relation", "direction": "right", "labels": ["lives_in"]}]


def audio_result():
    return [{"id": "a1", "from_name": "kind", "to_name": "audio", "type": "labels",
             "value": {"start": 0.1, "end": 0.4, "channel": 0, "labels": ["Speech"]}},
            {"id": "a1", "from_name": "transcript", "to_name": "audio", "type": "textarea",
             "value": {"start": 0.1, "end": 0.4, "channel": 0, "text": ["hello"]}}]


def make_project(data_dir, kind, tasks=3):
    """(workspace, store, media bytes by local URL): `tasks` tasks of `kind`, each with a completion by
    'ann' and a prediction, except the last, which has neither."""
    workspace = Workspace(data_dir)
    store = workspace.create(f"{kind} team project")
    config = {"image": IMAGE_CONFIG, "text": TEXT_CONFIG, "audio": AUDIO_CONFIG}[kind]
    store.update_settings({"label_config": config, "description": f"{kind} tasks", "instruction": "Label all of it"})
    items, media = [], {}
    for number in range(tasks):
        item = {}
        if kind == "text":
            item["data"] = {"text": f"Ann lives in Paris ({number})"}
            result = text_result()
        else:
            upload = upload_of(_Media(f"item{number}.png", png(number * 40)) if kind == "image"
                               else _Media(f"item{number}.wav", wav(800 + number)))
            url = f"/data/upload/{upload.name}"
            item["upload"], item["data"] = upload, {kind: url}
            media[url] = upload.data
            result = image_result() if kind == "image" else audio_result()
        if number < tasks - 1:
            item["completions"] = [{"result": result, "completed_by": "ann", "lead_time": 3.5}]
            item["predictions"] = [{"result": result[:1], "score": 0.5 + number / 10, "model_version": "m1"}]
        items.append(item)
    store.import_tasks(items)
    return workspace, store, media
