"""Which object tags can show an imported media file, so a file no tag of the config can show is refused up front."""

import mimetypes

# By media type (its major part, or the whole type): a description for messages and the object tags that show it.
# Types not listed (an unknown extension, application/octet-stream) are never refused: we can't tell.
_SHOWN_BY = {
    "image": ("an image", ("Image",)),
    "audio": ("an audio file", ("Audio", "AudioPlus")),
    "video": ("a video", ("Video",)),
    "application/pdf": ("a PDF document", ("Pdf",)),
}


def media_misfit(filename, config):
    """Why the config can't show this media file (it would fill the config's first data key), or None."""
    if config is None or not config.data_keys:
        return None
    media_type = mimetypes.guess_type(filename)[0] or ""
    known = _SHOWN_BY.get(media_type) or _SHOWN_BY.get(media_type.partition("/")[0])
    if known is None:
        return None
    description, fitting_tags = known
    key = config.data_keys[0]
    tags = list(dict.fromkeys(ref.tag for ref in config.data_refs if ref.key == key))
    if any(tag in fitting_tags for tag in tags):
        return None
    shown_by = ", ".join(f"<{tag}>" for tag in tags) or "no tag"
    could = " or ".join(f"<{tag} name=... value=\"${key}\"/>" for tag in fitting_tags)
    return (f"{filename} is {description} ({media_type}), but your label config shows ${key} with {shown_by}, "
            f"which can't show it; a config with {could} could take it")
