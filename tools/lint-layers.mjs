// Lints the layering (docs/architecture.md): src/core and src/drafters are pure TypeScript (no vscode, no
// node-llama-cpp, and no import from the layers above them); only src/vscode may import vscode; only src/engine
// (and the editor/CLI through it) touches node-llama-cpp. Exits non-zero with file:line for every violation.
import fs from "node:fs";
import path from "node:path";

const rules = [
    // core owns the interfaces its loop uses (Target, Drafter, DraftPolicy): it imports no other layer, not even types
    {dir: "src/core", types: true, banned: [/^vscode$/, /^node-llama-cpp/, /^\.\.\/(drafters|engine|vscode|cli|bench|models|corpus|tm)(\/|$)/]},
    {dir: "src/drafters", banned: [/^vscode$/, /^node-llama-cpp/, /^(\.\.\/)+(engine|vscode|cli|bench|models|corpus)(\/|$)/]},
    {dir: "src/tm", banned: [/^vscode$/, /^node-llama-cpp/, /^\.\.\/(engine|vscode|cli|bench)(\/|$)/, /^(\.\.\/)+(engine|vscode|cli|bench)(\/|$)/]},
    {dir: "src/localize", banned: [/^vscode$/, /^node-llama-cpp/, /^(\.\.\/)+(vscode|cli|bench|engine)(\/|$)/]},
    {dir: "src/engine", banned: [/^vscode$/, /^\.\.\/(vscode|cli|bench)(\/|$)/]},
    {dir: "src/models", banned: [/^vscode$/, /^node-llama-cpp/, /^\.\.\/(vscode|cli|bench|engine)(\/|$)/]},
    {dir: "src/corpus", banned: [/^vscode$/, /^node-llama-cpp/, /^\.\.\/(vscode|cli|bench|engine)(\/|$)/]},
    {dir: "src/bench", banned: [/^vscode$/, /^\.\.\/(vscode|cli)(\/|$)/]},
    {dir: "src/cli", banned: [/^vscode$/, /^\.\.\/vscode(\/|$)/]},
    // the editor's logic without the editor (state machines, routing, text rules): unit-tested without VS Code
    {dir: "src/vscode/common", types: true, banned: [/^vscode$/, /^node-llama-cpp/, /^\.\.\/(?!common\/)[^/]+$/, /^(\.\.\/){2,}(engine|cli|bench)(\/|$)/]},
];
const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const walk = (d) => fs.existsSync(d) ? fs.readdirSync(d, {withFileTypes: true}).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith(".ts") ? [path.join(d, e.name)] : []) : [];
let bad = 0;
for (const {dir, banned, types} of rules) {
    for (const file of walk(dir)) {
        const src = fs.readFileSync(file, "utf8");
        for (const m of src.matchAll(importRe)) {
            const spec = m[1] ?? m[2] ?? m[3];
            // type imports may cross layers (they vanish at build time), except vscode's, and except where `types` is set
            if (!types && (m[0].startsWith("import type") || /^export type/.test(m[0]))) { if (!/^vscode$/.test(spec)) continue; }
            if (banned.some((re) => re.test(spec))) {
                const line = src.slice(0, m.index).split("\n").length;
                console.error(`${file}:${line}: ${dir} must not import "${spec}"`);
                bad++;
            }
        }
    }
}
// no import cycles between files of src/ (type-only imports included: a cycle is a cycle in the design)
const graph = new Map();
for (const file of walk("src")) {
    const src = fs.readFileSync(file, "utf8");
    const deps = [];
    for (const m of src.matchAll(importRe)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (!spec.startsWith(".")) continue;
        const base = path.join(path.dirname(file), spec);
        const target = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
        if (target) deps.push(target);
    }
    graph.set(file, deps);
}
const state = new Map(); // 1: on the stack, 2: done
const stack = [];
const cycles = [];
const visit = (f) => {
    state.set(f, 1); stack.push(f);
    for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d]);
        else if (!state.has(d)) visit(d);
    }
    stack.pop(); state.set(f, 2);
};
for (const f of graph.keys()) if (!state.has(f)) visit(f);
for (const c of cycles) { console.error(`import cycle: ${c.join(" -> ")}`); bad++; }
if (bad) { console.error(`lint-layers: ${bad} layering violation(s)`); process.exit(1); }
console.log("lint-layers: ok");
