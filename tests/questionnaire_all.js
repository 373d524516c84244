// Runs the questionnaire's own logic script (overrides/.../questionnaire-logic.js) in Node over
// answer sets read from a file, one per line, and prints one result line per answer set.
// Usage: node questionnaire_all.js LOGIC_JS PAGE_DATA_JSON ANSWERS_FILE
"use strict";
const fs = require("fs");
const [logic, dataFile, answersFile] = process.argv.slice(2);
require(logic);
const data = JSON.parse(fs.readFileSync(dataFile, "utf8"));
const ids = data.questions.map((q) => q.id);
const CODE = { y: "yes", n: "no", s: "not-sure", u: undefined };
const out = [];
for (const line of fs.readFileSync(answersFile, "utf8").split("\n")) {
  if (!line) continue;
  const answers = {};
  ids.forEach((id, i) => { if (CODE[line[i]]) answers[id] = CODE[line[i]]; });
  const results = CryokbQuestionnaire.evaluate(data, answers);
  out.push(data.modalities.map((m) => {
    const r = results[m.id];
    const flags = r.flags.map((f) =>
      [f.contraindication, f.question, f.answer, f.level, f.unconfirmed ? 1 : 0].join("/"));
    return [r.level, ...flags].join(";");
  }).join(" "));
  if (out.length >= 10000) { process.stdout.write(out.join("\n") + "\n"); out.length = 0; }
}
if (out.length) process.stdout.write(out.join("\n") + "\n");
