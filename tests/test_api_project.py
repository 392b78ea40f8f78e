"""GET/POST/PATCH /api/project, the label config, projects list, switching and opening files."""

from tests.conftest import NER_CONFIG, TEXT_CONFIG, choice


def test_new_project_has_0_8_fields_and_our_identity(api):
    project = api.get("/api/project/").json
    assert project["task_count"] == 0
    assert project["completion_count"] == 0
    assert project["data_types"] == {}
    assert project["label_config_line"] == ""
    assert project["sampling"] == "sequential"
    assert project["multi_session_mode"] is True
    assert project["path"].endswith(".lsdesk")
    assert len(project["uuid"]) == 36
    assert project["title"] == project["project_name"]


def test_save_config_as_json_gives_201_and_fills_data_types(api):
    saved = api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    assert saved.status == 201
    project = api.get("/api/project").json
    assert project["data_types"] == {"text": "Text"}
    assert "\n" not in project["label_config_line"]
    assert project["label_config_line"].startswith("<View>  <Text")


def test_save_config_as_raw_xml_body(api):
    saved = api.post("/api/project/config", body=NER_CONFIG, headers={"Content-Type": "application/xml"})
    assert saved.status == 201
    assert api.get("/api/project").json["data_types"] == {"text": "Text"}


def test_save_config_as_form_field(api):
    from urllib.parse import urlencode
    saved = api.post("/api/project/config", body=urlencode({"label_config": TEXT_CONFIG}),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert saved.status == 201


def test_invalid_config_lists_every_problem_and_keeps_the_old_one(api):
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    broken = """<View>
  <Text name="text" value="$text"/>
  <Labels name="text" toName="nowhere"><Label value="A"/></Labels>
</View>"""
    answer = api.post("/api/project/config", json={"label_config": broken})
    assert answer.status == 400
    problems = answer.json["label_config"]
    assert len(problems) >= 2
    assert any("nowhere" in p for p in problems)
    assert any("text" in p and "line" in p for p in problems)
    assert api.get("/api/project").json["config"]["label_config"] == TEXT_CONFIG


def test_xml_syntax_error_names_line_and_column(api):
    answer = api.post("/api/project/config", json={"label_config": "<View>\n<Text name='t' value='$t'>\n</View>"})
    assert answer.status == 400
    assert "line" in answer.json["label_config"][0] and "column" in answer.json["label_config"][0]


def test_config_without_label_config_key_is_400(api):
    answer = api.post("/api/project/config", json={"nothing": 1})
    assert answer.status == 400
    assert answer.json["label_config"]


def test_config_incompatible_with_imported_data_is_refused(api):
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    api.post("/api/project/import", json=[{"text": "a"}])
    other = TEXT_CONFIG.replace("$text", "$other")
    answer = api.post("/api/project/config", json={"label_config": other})
    assert answer.status == 400
    assert any("other" in p for p in answer.json["label_config"])


def test_config_dropping_a_used_label_is_refused(api):
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    api.post("/api/project/import", json=[{"text": "a"}])
    task_id = api.get("/api/tasks").json[0]["id"]
    api.post(f"/api/tasks/{task_id}/completions", json={"result": choice("Positive")})
    without_positive = TEXT_CONFIG.replace('<Choice value="Positive"/>', '<Choice value="Neutral"/>')
    answer = api.post("/api/project/config", json={"label_config": without_positive})
    assert answer.status == 400
    assert any("Positive" in p for p in answer.json["label_config"])
    # Once the completion is gone the same config is fine.
    api.delete(f"/api/tasks/{task_id}/completions")
    assert api.post("/api/project/config", json={"label_config": without_positive}).status == 201


def test_validate_config_checks_without_saving(api):
    assert api.post("/api/validate-config", json={"label_config": TEXT_CONFIG}).status == 204
    assert api.get("/api/project").json["config"]["label_config"] is None
    bad = api.post("/api/validate-config", json={"label_config": "<View><Nope/></View>"})
    assert bad.status == 400
    assert bad.json["label_config"]


def test_patch_updates_settings_and_answers_201(api):
    answer = api.patch("/api/project", json={"title": "Birds", "sampling": "uniform", "instruction": "Be kind"})
    assert answer.status == 201
    assert answer.json["title"] == "Birds"
    assert answer.json["sampling"] == "uniform"
    assert answer.json["instruction"] == "Be kind"


def test_patch_rejects_unknown_sampling_and_unknown_keys(api):
    bad_sampling = api.patch("/api/project", json={"sampling": "prediction-score"})
    assert bad_sampling.status == 400
    assert "prediction-score" in bad_sampling.json["detail"]
    assert api.patch("/api/project", json={"colour": "red"}).status == 400
    assert api.patch("/api/project", json={"title": 3}).status == 400
    assert api.patch("/api/project", body="[", headers={"Content-Type": "application/json"}).status == 400


def test_patch_ml_backend_that_does_not_answer_is_400(api):
    answer = api.patch("/api/project", json={"ml_backend": "http://127.0.0.1:9"})
    assert answer.status == 400
    assert answer.json["detail"].startswith('ML backend with URL: "http://127.0.0.1:9" is not connected.')


def test_create_switch_and_list_projects(api):
    first = api.get("/api/project").json
    created = api.post("/api/project?desc=Second")
    assert created.status == 201
    second = created.json
    assert second["title"] == "Second" and second["uuid"] != first["uuid"]
    listed = {p["uuid"]: p for p in api.get("/api/projects").json}
    assert listed[second["uuid"]]["active"] is True
    assert listed[first["uuid"]]["task_count"] == 0
    assert {"title", "path", "completion_count", "last_change"} <= set(listed[first["uuid"]])
    switched = api.post(f"/api/project-switch?uuid={first['uuid']}")
    assert switched.status == 200
    assert switched.json["uuid"] == first["uuid"]
    assert api.get("/api/project").json["uuid"] == first["uuid"]


def test_switch_with_get_redirects_home(api, server):
    import http.client
    project = api.get("/api/project").json
    connection = http.client.HTTPConnection("127.0.0.1", server.port)
    connection.request("GET", f"/api/project-switch?uuid={project['uuid']}")
    answer = connection.getresponse()
    assert answer.status == 302
    assert answer.getheader("Location").endswith("/")


def test_switch_errors(api):
    assert api.post("/api/project-switch").status == 400
    missing = api.post("/api/project-switch?uuid=00000000-0000-0000-0000-000000000000")
    assert missing.status == 404
    assert missing.json == {"detail": "No project with uuid 00000000-0000-0000-0000-000000000000", "status": 404}


def test_a_copied_file_opens_by_path_and_both_stay_reachable(api, tmp_path):
    import shutil
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    api.post("/api/project/import", json=[{"text": "a"}, {"text": "b"}])
    original = api.get("/api/project").json
    copy = tmp_path / "copy.lsdesk"
    shutil.copy(original["path"], copy)
    opened = api.post("/api/projects/open", json={"path": str(copy)})
    assert opened.status == 200
    assert opened.json["uuid"] == original["uuid"]
    assert opened.json["task_count"] == 2
    assert opened.json["path"] == str(copy.resolve())
    ambiguous = api.post(f"/api/project-switch?uuid={original['uuid']}")
    assert ambiguous.status == 409
    back = api.post(f"/api/project-switch?uuid={original['uuid']}&path={original['path']}")
    assert back.json["path"] == original["path"]
    paths = [p["path"] for p in api.get("/api/projects").json if p.get("uuid") == original["uuid"]]
    assert sorted(paths) == sorted([original["path"], str(copy.resolve())])


def test_opening_a_missing_or_garbage_file_is_a_clear_400(api, tmp_path):
    missing = api.post("/api/projects/open", json={"path": str(tmp_path / "nope.lsdesk")})
    assert missing.status == 400
    assert "does not exist" in missing.json["detail"]
    garbage = tmp_path / "garbage.lsdesk"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    answer = api.post("/api/projects/open", json={"path": str(garbage)})
    assert answer.status == 400
    assert "not an lsdesk project file" in answer.json["detail"]
