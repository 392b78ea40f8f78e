"""ASR_MANIFEST: NeMo's manifest.json (one JSON object per line: audio file, duration, transcript) plus audio/."""

import io
import json
import tempfile
import wave

from lsdesk.formats.export.files import MediaFolder
from lsdesk.formats.export.items import chosen_items, first_object_key

_SPILL_IN_MEMORY = 8 * 1024 * 1024


def files(tasks, config, media):
    """Each WAV file as it is first met, then manifest.json with a line per completion that has a transcript."""
    key = first_object_key(config, {"Audio", "AudioPlus"}, {"TextArea"})
    folder = MediaFolder(media, "audio", describe=_describe_wav)
    with tempfile.SpooledTemporaryFile(max_size=_SPILL_IN_MEMORY, mode="w+b") as manifest:
        try:
            for item in chosen_items(tasks, config):
                url = item.data.get(key)
                text = transcript(item.outputs)
                if not isinstance(url, str) or text is None:
                    continue
                file, data = folder.get(url)
                if file.path is None or file.info is None:
                    continue  # not readable, or not a WAV file
                if data is not None:
                    yield file.path, [data]
                line = {"audio_filepath": file.path, "duration": file.info[0], "text": text,
                        "annotator": item.annotator("")}
                manifest.write(json.dumps(line).encode() + b"\n")
        finally:
            folder.close()
        manifest.seek(0)
        yield "manifest.json", _read(manifest)


def transcript(outputs):
    """The first line of the first control value that has `text`, or None."""
    for values in outputs.values():
        if values and "text" in values[0]:
            text = values[0]["text"]
            if isinstance(text, list):
                text = text[0] if text else None
            return text if isinstance(text, str) else None
    return None


def wav_duration(data):
    """Seconds of audio in a WAV file, or None when it is not one Python's wave module can read."""
    try:
        with wave.open(io.BytesIO(data)) as audio:
            return audio.getnframes() / float(audio.getframerate())
    except (wave.Error, EOFError, ZeroDivisionError, ValueError):
        return None


def _describe_wav(data):
    duration = wav_duration(data)
    return None if duration is None else (duration,)


def _read(spill):
    while block := spill.read(64 * 1024):
        yield block
