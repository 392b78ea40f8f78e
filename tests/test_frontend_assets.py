"""How the app page hands its files to the browser: every module its route imports named up front
(modulepreload), under a versioned URL the browser keeps for good, and a new version under new URLs."""

import re

from lsdesk.asset_loading import AssetVersion, ModuleGraph

IMAGE_CONFIG = ('<View><Image name="img" value="$image"/><Choices name="q" toName="img"><Choice value="Good"/>'
                '</Choices><RectangleLabels name="box" toName="img"><Label value="Car"/></RectangleLabels></View>')


def page_files(api, path):
    answer = api.get(path)
    assert answer.status == 200
    text = answer.raw.decode()
    [version] = set(re.findall(r'"/v/([0-9a-f]+)/assets/', text))
    preloaded = re.findall(rf'<link rel="modulepreload" href="/v/{version}/assets/([^"]+)">', text)
    return answer, text, version, preloaded


def test_the_label_page_names_its_modules_and_the_configs_tag_modules_up_front(api):
    api.post("/api/project/config", json={"label_config": IMAGE_CONFIG})
    answer, text, version, preloaded = page_files(api, "/label")
    assert f'<script type="module" src="/v/{version}/assets/app.js"></script>' in text
    assert {"app.js", "api.js", "pages/label.js", "pages/label-queue.js", "editor/editor.js", "editor/registry.js",
            "tags/image.js", "editor/image-view.js", "tags/rectanglelabels.js", "tags/choices.js", "tags/view.js"} <= set(preloaded)
    assert "tags/text.js" not in preloaded and len(preloaded) == len(set(preloaded))
    assert "script-src 'self';" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-cache"
    assert '"/assets/' not in text  # nothing left unversioned: one copy of each module


def test_other_pages_name_their_own_modules(api):
    api.post("/api/project/config", json={"label_config": IMAGE_CONFIG})
    _, text, _, preloaded = page_files(api, "/tasks")
    assert {"app.js", "pages/tasks.js"} <= set(preloaded) and "editor/editor.js" not in preloaded
    assert "tags/image.js" not in preloaded and "/api/project/next" not in text
    _, _, _, preloaded = page_files(api, "/label/review")
    assert {"pages/adjudicate.js", "editor/editor.js"} <= set(preloaded) and "pages/label.js" not in preloaded
    _, _, _, preloaded = page_files(api, "/")
    assert preloaded[0] == "app.js"


def test_the_label_page_asks_for_the_project_and_the_next_task_as_it_is_parsed(api):
    _, text, _, _ = page_files(api, "/label")
    assert '<link rel="preload" href="/api/project" as="fetch" crossorigin>' in text
    assert '<link rel="preload" href="/api/project/next?if_none=null&amp;draft=1" as="fetch" crossorigin>' in text
    # A task of its own, or a query's queue: the page asks for something else than the sampler's next.
    for other in ("/label/3", "/label?query=completed%3Dfalse"):
        assert "/api/project/next" not in page_files(api, other)[1]


def test_this_versions_files_are_kept_for_good_and_another_versions_are_asked_again(api):
    _, _, version, _ = page_files(api, "/label")
    current = api.get(f"/v/{version}/assets/pages/label.js")
    assert current.status == 200 and "immutable" in current.headers["Cache-Control"]
    assert current.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
    # A page of another lsdesk (before an upgrade) gets today's file, which the browser must not keep.
    older = api.get("/v/0123456789abcdef/assets/pages/label.js")
    assert older.status == 200 and older.raw == current.raw and older.headers["Cache-Control"] == "no-cache"
    assert api.get("/assets/pages/label.js").headers["Cache-Control"] == "no-cache"
    assert api.get(f"/v/{version}/assets/no-such.js").status == 404
    assert api.get(f"/v/{version}/assets/../pyproject.toml").status in (400, 403, 404)


def test_a_changed_file_gives_a_new_version(tmp_path):
    (tmp_path / "app.js").write_text('import "./a.js";\n')
    (tmp_path / "a.js").write_text("export const a = 1;\n")
    versions = AssetVersion(tmp_path, every=0)
    first = versions.current()
    assert versions.current() == first
    (tmp_path / "a.js").write_text("export const a = 22;\n")
    assert versions.current() != first


def test_the_module_graph_follows_static_imports_and_reads_a_changed_file_again(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "p.js").write_text(
        'import { a,\n  b } from "../a.js";\nexport { c } from "./c.js";\nimport "/assets/d.js";\n'
        'const later = () => import("./lazy.js");\n// import x from "./commented.js" is not at a line start\n')
    for name in ("a.js", "pages/c.js", "d.js", "pages/lazy.js"):
        (tmp_path / name).write_text("export const x = 1;\n")
    graph = ModuleGraph(tmp_path)
    assert graph.closure(["pages/p.js", "missing.js"]) == ["pages/p.js", "a.js", "pages/c.js", "d.js"]
    (tmp_path / "a.js").write_text('import "./pages/lazy.js";\nexport const x = 2;\n')
    assert graph.closure(["a.js"]) == ["a.js", "pages/lazy.js"]


def test_tag_modules_are_the_configs_tags_that_have_one(tmp_path):
    (tmp_path / "tags").mkdir()
    for name in ("view", "image", "audio"):
        (tmp_path / "tags" / f"{name}.js").write_text("export default {};\n")
    graph = ModuleGraph(tmp_path)
    assert graph.tag_modules('<View><Image name="i"/><AudioPlus name="a"/><Unknown/><image name="j"/></View>') == [
        "tags/view.js", "tags/image.js", "tags/audio.js"]
    assert graph.tag_modules("") == []
