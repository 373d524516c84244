/*
 * The questionnaire page: questions, "check your answers", results, print.
 * Answers live in this closure only: nothing is sent, and no cookie or storage is used.
 */
(function () {
  "use strict";

  /** Build an element; children are nodes or strings (always inserted as text). */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === false || value == null) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child != null && child !== false) node.append(child);
    }
    return node;
  }

  function mount(root, data) {
    const logic = window.CryokbQuestionnaire;
    const label = Object.fromEntries(data.answers.map((a) => [a.code, a.label]));
    let answers = {};
    const groups = new Map();

    const errorSummary = h("div", { class: "cq-error-summary", role: "alert", tabindex: "-1", hidden: true });
    const form = h("form", { class: "cq-form", novalidate: true, onsubmit: onContinue });
    const check = h("div", { class: "cq-check", hidden: true });
    const status = h("div", { class: "cq-result", role: "status" });

    form.append(errorSummary);
    for (const q of data.questions) {
      const name = `q-${q.id}`;
      const error = h("p", { class: "cq-error-message", id: `${name}-error`, hidden: true },
        "Choose one answer.");
      const help = q.help ? h("p", { class: "cq-help", id: `${name}-help` }, q.help) : null;
      const fieldset = h("fieldset", { id: `${name}-group`, "aria-describedby": help ? `${name}-help` : null },
        h("legend", {}, q.text), help, error,
        h("div", { class: "cq-options" }, data.answers.map((a) =>
          h("label", { for: `${name}-${a.code}` },
            h("input", { type: "radio", name, id: `${name}-${a.code}`, value: a.code, onchange: onAnswer }),
            " ", a.label))));
      groups.set(q.id, { fieldset, error });
      form.append(fieldset);
    }
    form.append(h("button", { type: "submit", class: "md-button md-button--primary" }, "Continue"));
    root.replaceChildren(form, check, status);
    root.hidden = false;
    syncShown();

    function shownIds() {
      return new Set(logic.enabled(data.questions, answers).map((q) => q.id));
    }

    /** Show follow-ups whose parent allows them; drop the answers of hidden ones. */
    function syncShown() {
      const shown = shownIds();
      for (const [id, g] of groups) {
        g.fieldset.hidden = !shown.has(id);
        if (!shown.has(id)) {
          delete answers[id];
          for (const input of g.fieldset.querySelectorAll("input")) input.checked = false;
        }
      }
    }

    function onAnswer(event) {
      answers[event.target.name.slice(2)] = event.target.value;
      const g = groups.get(event.target.name.slice(2));
      g.error.hidden = true;
      g.fieldset.removeAttribute("aria-invalid");
      syncShown();
    }

    function onContinue(event) {
      event.preventDefault();
      const missing = data.questions.filter((q) => shownIds().has(q.id) && !answers[q.id]);
      for (const q of data.questions) {
        const g = groups.get(q.id);
        const bad = missing.includes(q);
        g.error.hidden = !bad;
        if (bad) g.fieldset.setAttribute("aria-invalid", "true");
        g.fieldset.setAttribute("aria-describedby",
          [q.help ? `q-${q.id}-help` : "", bad ? `q-${q.id}-error` : ""].join(" ").trim() || null);
      }
      if (missing.length) {
        errorSummary.replaceChildren(
          h("h2", {}, "There is a problem"),
          h("p", {}, `Answer every question. ${missing.length} still need an answer:`),
          h("ul", {}, missing.map((q) => h("li", {},
            h("a", { href: `#q-${q.id}-yes`,
              onclick: (e) => { e.preventDefault(); e.stopPropagation(); focusQuestion(q.id); } },
              q.text)))));
        errorSummary.hidden = false;
        errorSummary.focus();
        return;
      }
      errorSummary.hidden = true;
      showCheck();
    }

    function focusQuestion(id) {
      const g = groups.get(id);
      const target = g.fieldset.querySelector("input:checked") || g.fieldset.querySelector("input");
      target.focus();
      g.fieldset.scrollIntoView({ block: "center" });
    }

    function answerList() {
      return h("dl", { class: "cq-answers" }, data.questions.filter((q) => shownIds().has(q.id)).map((q) => [
        h("dt", {}, q.text),
        h("dd", {}, label[answers[q.id]] || "Not answered"),
      ]));
    }

    function showCheck() {
      form.hidden = true;
      status.replaceChildren();
      const heading = h("h2", { tabindex: "-1" }, "Check your answers");
      check.replaceChildren(heading,
        h("dl", { class: "cq-answers" }, data.questions.filter((q) => shownIds().has(q.id)).map((q) =>
          h("div", { class: "cq-answer-row" },
            h("dt", {}, q.text),
            h("dd", {}, label[answers[q.id]]),
            h("dd", {}, h("button", { type: "button", class: "md-button cq-change",
              onclick: () => { check.hidden = true; form.hidden = false; focusQuestion(q.id); } },
              "Change", h("span", { class: "cq-visually-hidden" }, ` your answer to: ${q.text}`)))))),
        h("button", { type: "button", class: "md-button md-button--primary", onclick: showResult },
          "See the results"));
      check.hidden = false;
      heading.focus();
    }

    function showResult() {
      check.hidden = true;
      const results = logic.evaluate(data, answers);
      const heading = h("h2", { tabindex: "-1" }, "What your answers mean for each cold treatment");
      const flagged = new Map(); // contraindication -> the answers that raised it, explained once
      for (const r of Object.values(results)) {
        for (const f of r.flags) flagged.set(f.contraindication, f);
      }
      status.replaceChildren(...[heading,
        h("p", {}, "Take this page to your doctor or physiotherapist. It is not medical advice."),
        data.modalities.map((m) => resultFor(m, results[m.id])),
        flagged.size ? [h("h3", {}, "Why these answers matter"), h("ul", { class: "cq-reasons" },
          [...flagged.values()].map((f) => reasonFor(f)))] : null,
        h("h3", {}, "Your answers"),
        answerList(),
        h("p", { class: "cq-meta" },
          `Checklist "${data.id}", version ${data.version}, ${data.date}.`),
        h("div", { class: "cq-actions cq-no-print" },
          h("button", { type: "button", class: "md-button md-button--primary", onclick: () => window.print() },
            "Print this summary"),
          " ",
          h("button", { type: "button", class: "md-button", onclick: showCheck }, "Change your answers"),
          " ",
          h("button", { type: "button", class: "md-button", onclick: restart }, "Start again"))].flat());
      heading.focus();
    }

    function resultFor(m, result) {
      const text = data.outcomes[result.level];
      const names = [...new Set(result.flags.map((f) => f.contraindication))];
      return h("section", { class: `cq-modality cq-level-${result.level}`, "data-modality": m.id, "data-level": result.level },
        h("h3", {}, h("a", { href: m.url }, m.name)),
        h("p", { class: "cq-outcome" }, h("strong", {}, text)),
        names.length ? h("p", { class: "cq-flags" }, "Because of: ", names.map((c, i) => [
          i ? ", " : "", h("a", { href: data.contraindications[c].url }, data.contraindications[c].name)])) : null,
        result.level === "none-found" ? h("ul", { class: "cq-limits" },
          m.limits.map((x) => h("li", {}, x))) : null);
    }

    /** One contraindication, explained once, with its citations as links. */
    function reasonFor(f) {
      const c = data.contraindications[f.contraindication];
      const q = data.questions.find((x) => x.id === f.question);
      return h("li", { "data-contraindication": f.contraindication },
        h("a", { href: c.url }, c.name),
        `: you answered "${label[f.answer]}" to "${q.text}"`,
        f.unconfirmed ? " (not confirmed: you were not sure, so it counts as yes)" : "",
        ". ", c.why.map((part) => part.cite ? h("a", { href: part.url }, `[${part.cite}]`) : part.text));
    }

    function restart() {
      answers = {};
      for (const input of form.querySelectorAll("input")) input.checked = false;
      for (const g of groups.values()) g.error.hidden = true;
      status.replaceChildren();
      check.hidden = true;
      form.hidden = false;
      syncShown();
      form.querySelector("input").focus();
    }
  }

  function start() {
    const root = document.getElementById("cryokb-questionnaire");
    // The data rides in an attribute: Material's instant navigation re-runs <script> tags.
    if (!root || !root.dataset.questionnaire || root.dataset.ready) return;
    // After instant navigation the theme re-inserts this page's scripts, and they may run in
    // any order: wait for the rules' script if it has not run yet.
    if (!window.CryokbQuestionnaire) {
      const logic = document.querySelector('script[src*="questionnaire-logic.js"]');
      if (logic) logic.addEventListener("load", start, { once: true });
      return;
    }
    root.dataset.ready = "true";
    for (const node of document.querySelectorAll(".cryokb-checklist")) node.hidden = true;
    // The table of contents must not point at the checklist the script has just hidden.
    for (const link of document.querySelectorAll('.md-nav a[href="#checklist"], .md-nav a[href="#what-it-means"]')) {
      link.closest("li").hidden = true;
    }
    mount(root, JSON.parse(root.dataset.questionnaire));
  }

  // Material's instant navigation swaps pages without a load event: document$ fires on each.
  if (window.document$) window.document$.subscribe(start);
  else document.addEventListener("DOMContentLoaded", start);
})();
