/*
 * Old links to /references/#<key> keep working: a study's or guideline's reference now lives on
 * its own page, so a key that is not on this page is looked for there (on this site only).
 */
(async function () {
  "use strict";
  const key = decodeURIComponent(window.location.hash.slice(1));
  if (!/^[A-Za-z0-9_:-]+$/.test(key) || document.getElementById(key)) return;
  for (const folder of ["studies", "guidelines"]) {
    const page = new URL(`../${folder}/${key}/`, window.location.href);
    const found = await fetch(page, { method: "HEAD" }).then((r) => r.ok, () => false);
    if (found) {
      window.location.replace(page.href + "#reference");
      return;
    }
  }
})();
