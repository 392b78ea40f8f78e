"""Object categories for COCO and YOLO: the image-region labels of the config, sorted, then new ones as met."""


def region_label_names(config):
    """The Label values of every *Labels/Labels control on an Image (Choice values are not kinds of region,
    and KeyPointLabels values name points of an object, not objects)."""
    if config is None:
        return set()
    images = {obj.name for obj in config.objects if obj.tag == "Image"}
    return {
        label
        for control in config.controls
        if control.tag.endswith("Labels") and control.tag != "KeyPointLabels" and images.intersection(control.to_names)
        for label in control.labels
    }


class Categories:
    """Category ids by name: the config's labels get 0, 1, 2, ... alphabetically; others are appended when met."""

    def __init__(self, config):
        self.entries = [{"id": number, "name": name}
                        for number, name in enumerate(sorted(region_label_names(config)))]
        self._ids = {entry["name"]: entry["id"] for entry in self.entries}

    def id_of(self, name):
        number = self._ids.get(name)
        if number is None:
            number = len(self.entries)
            self._ids[name] = number
            self.entries.append({"id": number, "name": name})
        return number
