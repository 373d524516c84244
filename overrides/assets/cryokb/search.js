/*
 * The search page: Pagefind's interface over the index in /pagefind/ and its shards, all on
 * this site. A query in the address (?q=...) is searched at once, so a search can be linked.
 */
(function () {
  "use strict";

  async function start() {
    const root = document.getElementById("cryokb-search");
    if (!root || root.dataset.ready) return;
    // After instant navigation the theme re-inserts this page's scripts, and they may run in
    // any order: wait for Pagefind's script if it has not run yet.
    if (!window.PagefindUI) {
      const ui = document.querySelector('script[src*="pagefind-ui.js"]');
      if (ui) ui.addEventListener("load", start, { once: true });
      return;
    }
    root.dataset.ready = "true";
    const bundle = new URL(root.dataset.bundle, window.location.href);
    const site = new URL("../", bundle).pathname; // the site's root, also under a sub-path
    let shards = [];
    try {
      shards = await (await fetch(new URL("shards.json", bundle))).json();
    } catch (error) {
      shards = []; // one index only
    }
    const ui = new window.PagefindUI({
      element: root,
      bundlePath: bundle.pathname,
      baseUrl: site,
      mergeIndex: shards.map((s) => ({ bundlePath: site + s + "/", baseUrl: site })),
      showImages: false,
      resetStyles: false,
      translations: { placeholder: "Search this site" },
    });
    const query = new URLSearchParams(window.location.search).get("q");
    if (query) ui.triggerSearch(query);
  }

  if (window.document$) window.document$.subscribe(start);
  else document.addEventListener("DOMContentLoaded", start);
})();
