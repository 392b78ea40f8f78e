"""Whether two copies of a project's label config can be merged, and whose config the merge keeps."""

from lsdesk.config.parse import parse_config


class ConfigConflict(ValueError):
    """The two configs differ in a way a merge cannot settle; the message names the difference."""


def merged_config_side(first_xml, second_xml, names=("A", "B")):
    """'same' when the configs are identical, 'a' or 'b' for the side whose config the merge keeps:
    the same objects and controls, with that side's labels a superset of the other's for every
    control. Raises ConfigConflict otherwise. A side without a config takes the other's."""
    if first_xml == second_xml:
        return "same"
    if not second_xml:
        return "a"
    if not first_xml:
        return "b"
    first, second = parse_config(first_xml), parse_config(second_xml)
    _check_same_structure(first, second, names)
    extra_first, extra_second = [], []
    for control in first.controls:
        mine, theirs = set(control.labels), set(second.control(control.name).labels)
        if mine - theirs:
            extra_first.append((control.name, sorted(mine - theirs)))
        if theirs - mine:
            extra_second.append((control.name, sorted(theirs - mine)))
    if extra_first and extra_second:
        raise ConfigConflict(
            f"the label configs conflict: {_described(names[0], extra_first)}, "
            f"and {_described(names[1], extra_second)}; neither is a superset of the other")
    return "b" if extra_second else "a"


def _described(name, extras):
    return "; ".join(f"{name}'s {control!r} has {labels} that the other lacks" for control, labels in extras)


def _check_same_structure(first, second, names):
    objects = [{obj.name: (obj.tag, obj.value) for obj in config.objects} for config in (first, second)]
    controls = [{control.name: (control.tag, control.to_names) for control in config.controls}
                for config in (first, second)]
    for kind, (mine, theirs) in (("object", objects), ("control", controls)):
        for side, present, other in ((names[0], mine, theirs), (names[1], theirs, mine)):
            missing = sorted(set(present) - set(other))
            if missing:
                raise ConfigConflict(f"the label configs differ: only {side} has the {kind} tag(s) {missing}")
        for name in mine:
            if mine[name] != theirs[name]:
                raise ConfigConflict(f"the label configs differ: {kind} {name!r} is {_tag(mine[name])} in "
                                     f"{names[0]} but {_tag(theirs[name])} in {names[1]}")


def _tag(shape):
    tag, detail = shape
    if isinstance(detail, tuple):
        return f"<{tag} toName={','.join(detail)!r}>"
    return f"<{tag} value={detail!r}>"
