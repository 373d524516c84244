/*
 * The questionnaire's rules, with no DOM: the same rules as generator/questionnaire.py.
 * Tests run every combination of answers through both and require the same results.
 */
(function (root) {
  "use strict";

  // Outcome levels, best to worst; an answer that gets worse never moves a result left.
  const LEVELS = ["none-found", "take-care", "incomplete", "ask-first", "do-not-use"];
  const NO_REASON = "no-known-reason"; // a contraindication that does not bear on a treatment
  const FLAGGING = new Set(["yes", "not-sure"]); // "I'm not sure" counts as "yes"
  const ANSWERED = new Set(["yes", "no", "not-sure"]);

  /** The questions shown for these answers, whatever the order of the data. */
  function enabled(questions, answers) {
    const byId = new Map(questions.map((q) => [q.id, q]));
    function shown(id, depth) {
      const when = byId.get(id).enable_when;
      if (!when) return true;
      if (!byId.has(when.question) || depth > byId.size) return false;
      const given = answers[when.question];
      const accepted = given === when.answer || (when.answer === "yes" && given === "not-sure");
      return accepted && shown(when.question, depth + 1);
    }
    return questions.filter((q) => shown(q.id, 0));
  }

  function byWorst(a, b) {
    const d = LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level);
    if (d !== 0) return d;
    if (a.contraindication !== b.contraindication) return a.contraindication < b.contraindication ? -1 : 1;
    return a.question < b.question ? -1 : a.question > b.question ? 1 : 0;
  }

  /** Outcome per modality: { level, flags }. Answers to hidden questions are ignored. */
  function evaluate(data, answers) {
    const asked = enabled(data.questions, answers);
    const complete = asked.every((q) => ANSWERED.has(answers[q.id]));
    const results = {};
    for (const modality of data.modalities) {
      const id = typeof modality === "string" ? modality : modality.id;
      const table = data.levels[id] || {};
      const flags = [];
      for (const q of asked) {
        const answer = answers[q.id];
        if (!FLAGGING.has(answer)) continue;
        for (const c of q.raises) {
          // a cell the modality does not grade counts as "do not use"
          const given = table[c];
          const level = LEVELS.includes(given) || given === NO_REASON ? given : "do-not-use";
          if (level === NO_REASON) continue;
          flags.push({ contraindication: c, question: q.id, answer, level,
                       unconfirmed: answer === "not-sure" });
        }
      }
      // an unanswered question keeps the result at "incomplete" at least: never milder
      const floor = LEVELS.indexOf(complete ? "none-found" : "incomplete");
      const worst = flags.reduce((w, f) => Math.max(w, LEVELS.indexOf(f.level)), floor);
      const level = LEVELS[worst];
      results[id] = { modality: id, level, flags: flags.sort(byWorst) };
    }
    return results;
  }

  root.CryokbQuestionnaire = { LEVELS, enabled, evaluate };
})(typeof window !== "undefined" ? window : globalThis);
