"""How the editor loads tag modules: a module that fails to load shows its own error in its place."""

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Rating name="rating" toName="text"/>
  <Hologram name="hologram" value="$hologram"/>
</View>"""


def serve_module(page, path, body):
    page.route(f"**/assets/{path}", lambda route: route.fulfill(status=200, content_type="text/javascript", body=body))


def shown_messages(page):
    return page.eval_on_selector_all(".lsd-unsupported", "nodes => nodes.map(n => n.textContent)")


def test_a_tag_module_with_a_syntax_error_shows_the_syntax_error(editor, page):
    serve_module(page, "tags/rating.js", "export default { name: 'Rating', render( };")
    page = editor(CONFIG, {"text": "Hello", "hologram": "/h.bin"})

    rating, hologram = shown_messages(page)
    assert rating.startswith('<Rating name="rating"> could not be drawn: /assets/tags/rating.js failed to load: '
                             "SyntaxError: "), rating
    # A tag lsdesk has no module for is still unsupported, and the other tags still draw.
    assert hologram == '<Hologram name="hologram"> is not supported by this version of lsdesk.'
    assert page.locator(".lsd-text").text_content() == "Hello"


def test_a_tag_module_with_a_failing_import_shows_the_import_error(editor, page):
    serve_module(page, "tags/rating.js", 'import { noSuchHelper } from "../editor/config.js";\nexport default {};')
    page = editor(CONFIG, {"text": "Hello", "hologram": "/h.bin"})

    rating = shown_messages(page)[0]
    assert rating == ('<Rating name="rating"> could not be drawn: /assets/tags/rating.js failed to load: SyntaxError: '
                      "The requested module '../editor/config.js' does not provide an export named 'noSuchHelper'")


def test_a_tag_whose_shared_module_is_broken_shows_that_modules_error(editor, page):
    serve_module(page, "editor/answers.js", "export function currentItem( {")
    page = editor(CONFIG, {"text": "Hello", "hologram": "/h.bin"})

    rating = shown_messages(page)[0]
    assert rating.startswith('<Rating name="rating"> could not be drawn: /assets/tags/rating.js failed to load: '
                             "SyntaxError: "), rating
