// Measures npm language-identification libraries on Polyspec's held-out sets (short segments, every language
// of src/core/languages.ts) and prints a Markdown table: accuracy over all segments, mean per-language accuracy,
// the worst language, accuracy on segments under 40 characters, time per segment and install size.
// The editor's choice (src/core/langid.ts) was made with this table; see docs/editor.md.
//
//   node --import tsx tools/e2e/measure-langid.mjs [--per-lang 150] [--dir /tmp/langid-candidates]
// Needs the held-out sets: node bin/polyspec.js corpus build (all languages). The candidates are installed with
// npm into --dir (outside the project), pinned below.
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {createRequire} from "node:module";
import {pathToFileURL} from "node:url";
import {LANGUAGES} from "../../src/core/languages.ts";
import {corpusPaths, readJsonl} from "../../src/corpus/index.ts";

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const PER_LANG = Number(arg("--per-lang", "150"));
const DIR = arg("--dir", path.join(os.tmpdir(), "langid-candidates"));
const PINS = ["eld@2.1.0", "tinyld@1.3.4", "franc-min@6.2.0", "franc@6.2.0", "franc-all@7.2.0", "cld3-asm@4.0.0", "languagedetect@2.0.0", "lande@1.0.10"];

fs.mkdirSync(DIR, {recursive: true});
if (!fs.existsSync(path.join(DIR, "node_modules/eld"))) {
    fs.writeFileSync(path.join(DIR, "package.json"), JSON.stringify({private: true}));
    execFileSync("npm", ["i", "--no-audit", "--no-fund", "--ignore-scripts", ...PINS], {cwd: DIR, stdio: "inherit"});
}
const req = createRequire(path.join(DIR, "package.json"));
/** Imports an ESM-only package (or subpath) installed in DIR, through its package.json "exports" (import condition). */
function imp(spec) {
    const [pkgName, ...sub] = spec.split("/");
    const dir = path.join(DIR, "node_modules", pkgName);
    const pj = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const key = sub.length ? `./${sub.join("/")}` : ".";
    let e = typeof pj.exports === "string" ? (key === "." ? pj.exports : undefined) : pj.exports?.[key] ?? (key === "." ? pj.exports : undefined);
    while (e && typeof e === "object") e = e.import ?? e.default ?? e.node;
    return import(pathToFileURL(path.join(dir, e ?? pj.module ?? pj.main ?? "index.js")).href);
}
const OURS = LANGUAGES.map((l) => l.code);
const ISO3 = {eng: "en", deu: "de", fra: "fr", spa: "es", ita: "it", por: "pt", rus: "ru", cmn: "zh", zho: "zh", jpn: "ja", kor: "ko", tur: "tr",
    pol: "pl", ces: "cs", vie: "vi", ind: "id", ukr: "uk", arb: "ar", ara: "ar", hin: "hi", ell: "el", bul: "bg", nld: "nl", hun: "hu", swe: "sv",
    dan: "da", fin: "fi", slk: "sk", slv: "sl", cat: "ca", glg: "gl", eus: "eu", est: "et", ekk: "et", heb: "he", hrv: "hr", srp: "sr", ron: "ro"};
const ISO3_OURS = Object.keys(ISO3);
const firstOurs = (ranked) => { for (const c of ranked) if (OURS.includes(c)) return c; return ""; };

// ---- test segments: the held-out translation references (story + technical), English from their sources ----
const segs = [];
const missing = [];
for (const code of OURS) {
    const rows = [];
    for (const lang of code === "en" ? ["de", "fr"] : [code]) {
        const p = corpusPaths(lang);
        for (const f of [p.testStory, p.testTech]) if (fs.existsSync(f)) for (const r of readJsonl(f)) rows.push(code === "en" ? r.src : r.ref);
    }
    const uniq = [...new Set(rows.filter((t) => typeof t === "string" && t.trim()))];
    if (uniq.length === 0) { missing.push(code); continue; }
    // spread over the set: every n-th, so story and technical segments both appear
    const step = Math.max(1, uniq.length / PER_LANG);
    for (let i = 0; i < uniq.length && segs.filter((s) => s.lang === code).length < PER_LANG; i += step) segs.push({lang: code, text: uniq[Math.floor(i)]});
}
if (missing.length) console.error(`no held-out segments for: ${missing.join(", ")} (build them: node bin/polyspec.js corpus build)`);

// ---- candidates: each returns our code (restricted to our languages where the library allows it) ----
const candidates = [];
for (const size of ["large", "medium", "small", "extrasmall"]) {
    // eld has no Indonesian model; its Malay model (ms) is the closest: subset with ms, reported as id
    const {eld} = await imp(`eld/${size}`);
    eld.setLanguageSubset([...OURS, "ms"]);
    candidates.push({name: `eld 2.1.0 (${size}, subset + ms as id)`, pkg: "eld", detect: (t) => { const l = eld.detect(t).language; return l === "ms" ? "id" : l; }});
}
{
    const tl = req("tinyld");
    candidates.push({name: "tinyld 1.3.4 (normal, only)", pkg: "tinyld", detect: (t) => tl.detect(t, {only: OURS})});
    const th = req("tinyld/heavy");
    candidates.push({name: "tinyld 1.3.4 (heavy, only)", pkg: "tinyld", detect: (t) => th.detect(t, {only: OURS})});
}
for (const pkg of ["franc-min", "franc", "franc-all"]) {
    const {franc} = await imp(pkg);
    candidates.push({name: `${pkg} (only)`, pkg, detect: (t) => ISO3[franc(t, {only: ISO3_OURS, minLength: 1})] ?? ""});
}
{
    const {loadModule} = req("cld3-asm");
    const factory = await loadModule();
    const id = factory.create(0, 1024);
    const fix = (c) => (c === "iw" ? "he" : c.split("-")[0]);
    candidates.push({name: "cld3-asm 4.0.0", pkg: "cld3-asm", detect: (t) => firstOurs(id.findMostFrequentLanguages(t, 5).map((r) => fix(r.language)).concat(fix(id.findLanguage(t).language)))});
}
{
    const LD = req("languagedetect");
    const ld = new LD();
    ld.setLanguageType("iso2");
    candidates.push({name: "languagedetect 2.0.0", pkg: "languagedetect", detect: (t) => firstOurs(ld.detect(t).map((x) => x[0]))});
}
{
    const lande = (await imp("lande")).default;
    candidates.push({name: "lande 1.0.10", pkg: "lande", detect: (t) => firstOurs(lande(t).map((x) => ISO3[x[0]] ?? x[0]))});
}

const size = (pkg) => { try { return Number(execFileSync("du", ["-sk", path.join(DIR, "node_modules", pkg)]).toString().split("\t")[0]); } catch { return NaN; } };
const rows = [];
const perLangAll = {};
for (const c of candidates) {
    const byLang = new Map();
    let ok = 0, shortOk = 0, shortN = 0;
    for (const s of segs) { try { c.detect("warm up " + s.text); } catch {} break; }
    const t0 = performance.now();
    for (const s of segs) {
        let got = "";
        try { got = c.detect(s.text) || ""; } catch { got = ""; }
        const hit = got === s.lang;
        ok += hit;
        const b = byLang.get(s.lang) ?? {n: 0, ok: 0};
        b.n++; b.ok += hit; byLang.set(s.lang, b);
        if ([...s.text].length < 40) { shortN++; shortOk += hit; }
    }
    const us = (performance.now() - t0) * 1000 / segs.length;
    const accs = [...byLang.entries()].map(([l, b]) => [l, b.ok / b.n]);
    const mean = accs.reduce((a, x) => a + x[1], 0) / accs.length;
    const worst = accs.sort((a, b) => a[1] - b[1]).slice(0, 3);
    perLangAll[c.name] = Object.fromEntries([...byLang.entries()].map(([l, b]) => [l, b.ok / b.n]));
    rows.push({name: c.name, acc: ok / segs.length, mean, worst, short: shortN ? shortOk / shortN : NaN, us, kb: size(c.pkg)});
}
rows.sort((a, b) => b.mean - a.mean);
const pc = (x) => `${(x * 100).toFixed(1)}%`;
console.log(`Held-out segments: ${segs.length} in ${new Set(segs.map((s) => s.lang)).size} languages (up to ${PER_LANG} each; ${segs.filter((s) => [...s.text].length < 40).length} under 40 characters). Node ${process.version}.\n`);
console.log("| library | accuracy (all segments) | mean per-language accuracy | worst languages | segments < 40 chars | µs / segment | installed size |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.name} | ${pc(r.acc)} | ${pc(r.mean)} | ${r.worst.map(([l, a]) => `${l} ${pc(a)}`).join(", ")} | ${pc(r.short)} | ${r.us.toFixed(0)} | ${(r.kb / 1024).toFixed(1)} MB |`);
if (process.argv.includes("--per-language")) {
    const names = rows.map((r) => r.name);
    console.log(`\n| lang | ${names.join(" | ")} |\n|---|${names.map(() => "---").join("|")}|`);
    for (const l of OURS) console.log(`| ${l} | ${names.map((n) => perLangAll[n][l] === undefined ? "–" : pc(perLangAll[n][l])).join(" | ")} |`);
}
