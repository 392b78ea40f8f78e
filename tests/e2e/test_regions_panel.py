"""The regions panel at scale: a change to one region of hundreds touches only the rows it changes."""

from tests.e2e.test_tags_image import RECT_CONFIG, open_image, rect_item

REGIONS = 500


def boxes():
    return [rect_item(f"r{n}", n % 50 * 2, n // 50 * 9, 1.5, 8, labels=("Cat" if n % 2 else "Dog",))
            for n in range(REGIONS)]


def mark_rows(page):
    page.evaluate("""() => document.querySelectorAll('.lsd-regions li').forEach((row, index) => { row.mark = index; })""")


def rows(page):
    """(region id, marked before, text) of every row, in order."""
    return page.evaluate("""() => [...document.querySelectorAll('.lsd-regions li')].map((row) =>
        [row.dataset.regionId, row.mark !== undefined, row.querySelector('.lsd-region-name').textContent])""")


def test_selecting_moving_and_deleting_one_region_of_500_touches_only_its_rows(editor):
    page = open_image(editor, RECT_CONFIG, boxes())
    assert len(rows(page)) == REGIONS
    mark_rows(page)

    page.evaluate("() => window.editor.store.select('r7')")
    shown = rows(page)
    assert [region for region, marked, _ in shown if not marked] == ["r7"]
    assert page.evaluate("() => document.querySelector('.lsd-region.selected').dataset.regionId") == "r7"

    mark_rows(page)
    page.evaluate("""() => window.editor.store.change(() => window.editor.store.updateRegion('r9', (item) => { item.value.x += 1; }))""")
    assert all(marked for _, marked, _ in rows(page))  # a move changes no row's text

    page.evaluate("() => window.editor.store.change(() => window.editor.store.removeRegion('r3'))")
    shown = rows(page)
    assert len(shown) == REGIONS - 1 and "r3" not in [region for region, _, _ in shown]
    # Same-label regions are numbered in order: the Cat rows after r3 are renumbered, and only they.
    changed = [region for region, marked, _ in shown if not marked]
    assert changed == [f"r{n}" for n in range(5, REGIONS, 2)]
    assert [text for region, _, text in shown if region == "r5"] == ["Cat #2"]

    page.evaluate("() => window.editor.store.undo()")
    assert [region for region, _, _ in rows(page)] == [f"r{n}" for n in range(REGIONS)]
    assert [text for region, _, text in rows(page) if region in ("r3", "r5")] == ["Cat #2", "Cat #3"]
