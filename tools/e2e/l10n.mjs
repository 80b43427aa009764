// The editor's UI strings: collects every vscode.l10n.t("...") (and t("...") in modules that receive
// vscode.l10n.t as `t`) from src/vscode, writes l10n/bundle.l10n.json (English, the keys), and checks that each
// translated bundle (l10n/bundle.l10n.<locale>.json) has exactly these keys with the same {0} placeholders.
//   node tools/e2e/l10n.mjs          write the English bundle, check the others
//   node tools/e2e/l10n.mjs --check  only check (exit 1 on a problem)
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const LOCALES = ["de", "fr", "es", "zh-cn", "ja"];
const src = path.join(root, "src/vscode");
const keys = new Set();
for (const f of fs.readdirSync(src, {recursive: true}).filter((f) => f.endsWith(".ts"))) {
    const text = fs.readFileSync(path.join(src, f), "utf8");
    for (const m of text.matchAll(/(?:l10n\.t|\bt)\(\s*"((?:[^"\\]|\\.)*)"/g)) keys.add(JSON.parse(`"${m[1]}"`));
}
const english = Object.fromEntries([...keys].sort().map((k) => [k, k]));
const dir = path.join(root, "l10n");
if (!process.argv.includes("--check")) fs.writeFileSync(path.join(dir, "bundle.l10n.json"), JSON.stringify(english, null, 2) + "\n");
const placeholders = (s) => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort().join();
let bad = 0;
for (const loc of LOCALES) {
    const file = path.join(dir, `bundle.l10n.${loc}.json`);
    const tr = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    const missing = [...keys].filter((k) => !(k in tr));
    const extra = Object.keys(tr).filter((k) => !keys.has(k));
    const wrong = [...keys].filter((k) => k in tr && placeholders(k) !== placeholders(tr[k]));
    for (const k of missing) console.error(`${loc}: missing ${JSON.stringify(k)}`);
    for (const k of extra) console.error(`${loc}: not used any more ${JSON.stringify(k)}`);
    for (const k of wrong) console.error(`${loc}: placeholders differ in ${JSON.stringify(k)}`);
    bad += missing.length + extra.length + wrong.length;
}
console.log(`l10n: ${keys.size} strings, ${LOCALES.length} translations${bad ? `, ${bad} problem(s)` : ", complete"}`);
process.exitCode = bad ? 1 : 0;
