// Lints the layering (docs/architecture.md): src/core and src/drafters are pure TypeScript (no vscode, no
// node-llama-cpp, and no import from the layers above them); only src/vscode may import vscode; only src/engine
// (and the editor/CLI through it) touches node-llama-cpp. Exits non-zero with file:line for every violation.
import fs from "node:fs";
import path from "node:path";

const rules = [
    {dir: "src/core", banned: [/^vscode$/, /^node-llama-cpp/, /^\.\.\/(engine|vscode|cli|bench|models|corpus)(\/|$)/]},
    {dir: "src/drafters", banned: [/^vscode$/, /^node-llama-cpp/, /^(\.\.\/)+(engine|vscode|cli|bench|models|corpus)(\/|$)/]},
    {dir: "src/tm", banned: [/^vscode$/, /^node-llama-cpp/, /^\.\.\/(engine|vscode|cli|bench)(\/|$)/, /^(\.\.\/)+(engine|vscode|cli|bench)(\/|$)/]},
    {dir: "src/localize", banned: [/^vscode$/, /^node-llama-cpp/, /^(\.\.\/)+(vscode|cli|bench|engine)(\/|$)/]},
    {dir: "src/engine", banned: [/^vscode$/, /^\.\.\/(vscode|cli|bench)(\/|$)/]},
    {dir: "src/models", banned: [/^vscode$/, /^node-llama-cpp/, /^\.\.\/(vscode|cli|bench|engine)(\/|$)/]},
    {dir: "src/corpus", banned: [/^vscode$/, /^node-llama-cpp/, /^\.\.\/(vscode|cli|bench|engine)(\/|$)/]},
    {dir: "src/bench", banned: [/^vscode$/, /^\.\.\/(vscode|cli)(\/|$)/]},
    {dir: "src/cli", banned: [/^vscode$/, /^\.\.\/vscode(\/|$)/]},
];
const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const walk = (d) => fs.existsSync(d) ? fs.readdirSync(d, {withFileTypes: true}).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith(".ts") ? [path.join(d, e.name)] : []) : [];
let bad = 0;
for (const {dir, banned} of rules) {
    for (const file of walk(dir)) {
        const src = fs.readFileSync(file, "utf8");
        for (const m of src.matchAll(importRe)) {
            const spec = m[1] ?? m[2] ?? m[3];
            if (m[0].startsWith("import type") || /^export type/.test(m[0])) { if (!/^vscode$/.test(spec)) continue; }
            if (banned.some((re) => re.test(spec))) {
                const line = src.slice(0, m.index).split("\n").length;
                console.error(`${file}:${line}: ${dir} must not import "${spec}"`);
                bad++;
            }
        }
    }
}
if (bad) { console.error(`lint-layers: ${bad} layering violation(s)`); process.exit(1); }
console.log("lint-layers: ok");
