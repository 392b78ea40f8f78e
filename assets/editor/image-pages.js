// Several images in one <Image valueList="$images">: a pager over the list (buttons, page up/down),
// one image shown at a time with its own regions. A region drawn on image n carries item_index n, as
// in Label Studio 1.x; a region without item_index belongs to the first image. Selecting a region of
// another image (from the regions list) turns to its image. Methods of ImageView (see image-view.js).

export const imagePages = {
  setUpPages() {
    const list = this.node.attrs.valuelist;
    this.pageUrls = list === undefined ? null : this.ctx.resolve(list);
    if (list !== undefined && !Array.isArray(this.pageUrls)) this.pageUrls = [];
    this.page = 0;
    if (!this.pageUrls) return;
    const hotkeys = this.ctx.hotkeys;
    if (!hotkeys.used.has("pagedown")) hotkeys.add("pagedown", `Next image of ${this.name}`, () => this.turnPage(this.page + 1));
    if (!hotkeys.used.has("pageup")) hotkeys.add("pageup", `Previous image of ${this.name}`, () => this.turnPage(this.page - 1));
    this.store.subscribe(() => this.followSelection());
  },

  // The URL (or list) the image shows now.
  pageSource() {
    return this.pageUrls ? this.pageUrls[this.page] : this.ctx.resolve(this.node.attrs.value);
  },

  // What a new region's items carry to say which image they are on.
  pageFields() {
    return this.pageUrls ? { item_index: this.page } : {};
  },

  onPage(item) {
    return !this.pageUrls || (item.item_index ?? 0) === this.page;
  },

  buildPager() {
    if (!this.pageUrls) return [];
    const bar = document.createElement("div");
    bar.className = "lsd-image-pager";
    bar.setAttribute("role", "navigation");
    bar.setAttribute("aria-label", `Images of ${this.name}`);
    const button = (text, label, step) => {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = text;
      element.setAttribute("aria-label", label);
      element.addEventListener("click", () => this.turnPage(this.page + step));
      return element;
    };
    this.pagePrevious = button("‹", "Previous image (page up)", -1);
    this.pageNext = button("›", "Next image (page down)", 1);
    this.pageLabel = document.createElement("span");
    this.pageLabel.className = "lsd-image-page";
    bar.append(this.pagePrevious, this.pageLabel, this.pageNext);
    this.showPage();
    return [bar];
  },

  showPage() {
    const count = this.pageUrls.length;
    this.pageLabel.textContent = count ? `Image ${this.page + 1} of ${count}` : "No images";
    this.pagePrevious.disabled = this.page <= 0;
    this.pageNext.disabled = this.page >= count - 1;
    this.element.dataset.page = String(this.page);
  },

  turnPage(index) {
    if (!this.pageUrls || index < 0 || index >= this.pageUrls.length || index === this.page) return;
    if (this.gesture) this.cancelGesture();
    if (this.drawing) this.cancelDrawing();
    this.page = index;
    this.width = this.height = 0;
    for (const entry of this.entries.values()) entry.el.remove();
    this.entries.clear();
    this.element.dataset.state = "loading";
    this.showPage();
    this.load();
  },

  followSelection() {
    const id = this.store.selected;
    if (!id) return;
    const item = this.store.region(id).find((each) => each.to_name === this.name);
    if (item && !this.onPage(item)) this.turnPage(item.item_index ?? 0);
  },
};
