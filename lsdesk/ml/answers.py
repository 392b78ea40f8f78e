"""What lsdesk sends ML backends and how it reads their answers (pure functions).

/predict answers come in several shapes, all accepted:
- 0.8 and label-studio-ml 1.x: {"results": [<one item per task>], "model_version": "..."}
  (the version may be missing), or a bare list of items;
- an item is a prediction {"result": [...], "score": 0.5}, a bare list of result items, or a
  list of predictions (newer servers may give several per task; the first is kept).
"""

import json
from datetime import datetime

from lsdesk.formats.regions import with_region_ids


def predict_results(answer):
    """(one item per task, the answer's model version or None); ValueError for any other shape."""
    if isinstance(answer, list):
        return answer, None
    if isinstance(answer, dict) and isinstance(answer.get("results"), list):
        version = answer.get("model_version")
        return answer["results"], None if version in (None, "") else str(version)
    raise ValueError("/predict answered without a \"results\" list")


def as_prediction(item):
    """The prediction an answer item holds ({"result": [...], ...}), or None if it holds none."""
    if isinstance(item, dict):
        return item if isinstance(item.get("result"), list) else None
    if isinstance(item, list) and item and all(isinstance(part, dict) for part in item):
        if all(isinstance(part.get("result"), list) for part in item):
            return item[0]
        return {"result": item}
    return None


def stamped(prediction, backend_name, model_version):
    """A prediction as 0.8 stores it: with created_by, created_date (local time) and model_version;
    result items the backend sent without an id get one, as Label Studio 1.x gives them."""
    version = prediction.get("model_version") or model_version
    known_version = {"model_version": str(version)} if version else {}
    return {**prediction, "result": with_region_ids(prediction["result"]), **known_version,
            "created_by": backend_name, "created_date": datetime.now().isoformat()}


def is_current(prediction, backend):
    """Whether a stored prediction came from the backend's current model."""
    return (prediction.get("created_by") == backend["name"]
            and (backend["model_version"] is None or prediction.get("model_version") == backend["model_version"]))


def task_for_backend(task_id, data, hostname):
    """A task as 0.8 sends it to /predict (no id for data given without one); uploaded files get
    absolute URLs the backend can fetch."""
    if isinstance(data, dict) and hostname:
        data = {key: hostname + value if isinstance(value, str) and value.startswith("/data/") else value
                for key, value in data.items()}
    task = {"data": data, "predictions": []}
    return task if task_id is None else {"id": task_id, **task}


def train_body(tasks, project, label_config, project_path):
    """The /train request (JSON bytes) for labeled tasks {"id", "data", "completions", ...}.

    0.8 servers read "completions", label-studio-ml 1.x reads "annotations": both are sent.
    Cancelled completions carry was_cancelled and 0.8's skipped, so backends can leave them out.
    """
    items = []
    for task in tasks:
        completions = [{**completion, "skipped": True} if completion.get("was_cancelled") else completion
                       for completion in task["completions"]]
        items.append({"id": task["id"], "data": task["data"], "completions": completions, "annotations": completions})
    return json.dumps({
        "completions": items, "annotations": items, "project": project, "label_config": label_config,
        "params": {"login": "", "password": "", "project_full_path": project_path},
    }, ensure_ascii=False, separators=(",", ":")).encode()
