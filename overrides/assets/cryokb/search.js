/*
 * The search page: Pagefind's interface over the index in /pagefind/, all on this site.
 * A query in the address (?q=...) is searched at once, so a search link can be shared.
 */
(function () {
  "use strict";

  function start() {
    const root = document.getElementById("cryokb-search");
    if (!root || root.dataset.ready || !window.PagefindUI) return;
    root.dataset.ready = "true";
    const ui = new window.PagefindUI({
      element: root,
      bundlePath: root.dataset.bundle,
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
