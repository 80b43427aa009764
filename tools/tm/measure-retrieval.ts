/**
 * Measures fuzzy-match candidate retrieval for the translation memory, against brute force, on real data:
 *   segments: the English sides of the corpora's training pairs (German first, then French, Italian, Spanish, ...
 *             until --segments unique texts), minus exact duplicates of a query;
 *   queries:  held-out German segments (.cache/corpus/de/test-story.jsonl and test-tech.jsonl), every n-th.
 * For each method: recall of the brute-force best match (the share of queries whose brute-force best match has
 * sim >= 0.6 for which the method returns a match of the same score), latency per query (candidates + exact
 * re-scoring), build time and heap growth of the index. Methods:
 *   prefix-filter  src/tm/fuzzy-index.ts (exact by construction for scores >= minScore)
 *   minisearch     MiniSearch BM25 top-C candidates, re-scored by sim
 *   flexsearch     FlexSearch Index (suggest) top-C candidates, re-scored by sim
 *
 *   node --expose-gc --import tsx tools/tm/measure-retrieval.ts [--segments 100000] [--queries 400] [--json FILE]
 *
 * Timing numbers are only meaningful on a quiet machine (recall, sizes and counts are not timing-sensitive).
 */
import fs from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";
import MiniSearch from "minisearch";
import FlexSearch from "flexsearch";
import {cacheRoot} from "../../src/models/cache";
import os from "node:os";
import {FuzzyIndex} from "../../src/tm/fuzzy-index";
import {TranslationMemory} from "../../src/tm/memory";
import {loadTm, saveTm, type LoadTiming} from "../../src/tm/store";
import {editDistance, matchTokens} from "../../src/tm/similarity";

const {values: a} = parseArgs({options: {segments: {type: "string"}, queries: {type: "string"}, json: {type: "string"}, candidates: {type: "string"}}});
const N = Number(a.segments ?? 100000), Q = Number(a.queries ?? 400);
const CANDIDATES = (a.candidates ?? "20,100").split(",").map(Number);
const MIN = 0.6;
const corpus = path.join(cacheRoot(), "corpus");
const LANGS = ["de", "fr", "it", "es", "pt", "cs", "pl", "ja", "ru", "nl"];

function jsonl(file: string): {src: string; ref: string}[] {
    return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}
const norm = (s: string) => matchTokens(s).join(" ");

function gc(): number {
    (globalThis as {gc?: () => void}).gc?.();
    return process.memoryUsage().heapUsed;
}

// ------------------------------------------------------------------ data
if (!fs.existsSync(path.join(corpus, "de", "train.jsonl"))) {
    console.error(`no corpus at ${corpus}: build it with 'polyspec corpus build' (or set POLYSPEC_CACHE)`);
    process.exit(2);
}
const heldOut = [...jsonl(path.join(corpus, "de", "test-story.jsonl")), ...jsonl(path.join(corpus, "de", "test-tech.jsonl"))].map((p) => p.src);
const step = Math.max(1, Math.floor(heldOut.length / Q));
const queries = heldOut.filter((_, i) => i % step === 0).slice(0, Q);
const queryKeys = new Set(queries.map(norm));
const seen = new Set<string>();
const segments: string[] = [];
const targets: string[] = [];
for (const lang of LANGS) {
    const f = path.join(corpus, lang, "train.jsonl");
    if (!fs.existsSync(f)) continue;
    for (const p of jsonl(f)) {
        const k = norm(p.src);
        if (!k || seen.has(k) || queryKeys.has(k)) continue;
        seen.add(k);
        segments.push(p.src);
        targets.push(p.ref);
        if (segments.length >= N) break;
    }
    if (segments.length >= N) break;
}
console.error(`${segments.length} segments (unique English sources of ${LANGS.join(", ")} training pairs), ${queries.length} held-out German queries`);

// ------------------------------------------------------------------ exact scoring shared by the re-rankers
const vocab = new Map<string, number>();
const ids = (s: string) => Int32Array.from(matchTokens(s).map((t) => { let v = vocab.get(t); if (v === undefined) vocab.set(t, v = vocab.size); return v; }));
const segIds = segments.map(ids);
function sim(q: Int32Array, i: number): number {
    const d = segIds[i];
    const n = Math.max(q.length, d.length);
    return n === 0 ? 0 : 1 - editDistance(q, d) / n;
}

// ------------------------------------------------------------------ brute force
const t0 = performance.now();
const truth = queries.map((q) => {
    const qi = ids(q);
    let best = 0;
    for (let i = 0; i < segments.length; i++) { const s = sim(qi, i); if (s > best) best = s; }
    return best;
});
const bruteMs = (performance.now() - t0) / queries.length;
const withMatch = truth.filter((s) => s >= MIN).length;
console.error(`brute force: ${bruteMs.toFixed(1)} ms/query; ${withMatch} of ${queries.length} queries have a match >= ${MIN}`);

// ------------------------------------------------------------------ methods
interface Method { name: string; build(): unknown; query(index: unknown, q: string): number }
const rerank = (q: string, cands: Iterable<number>) => { const qi = ids(q); let best = 0; for (const c of cands) { const s = sim(qi, c); if (s > best) best = s; } return best; };
const methods: Method[] = [
    {
        name: "prefix-filter (src/tm/fuzzy-index.ts)",
        build: () => { const ix = new FuzzyIndex(); for (const s of segments) ix.add(s); return ix; },
        query: (ix, q) => (ix as FuzzyIndex).search(q, {k: 1, minScore: MIN})[0]?.score ?? 0,
    },
    ...CANDIDATES.map((C): Method => ({
        name: `minisearch BM25 top ${C} + re-score`,
        build: () => { const ms = new MiniSearch({fields: ["text"], idField: "id"}); ms.addAll(segments.map((text, id) => ({id, text}))); return ms; },
        query: (ms, q) => rerank(q, (ms as MiniSearch).search(q, {combineWith: "OR"}).slice(0, C).map((r) => r.id as number)),
    })),
    ...CANDIDATES.map((C): Method => ({
        name: `flexsearch (suggest) top ${C} + re-score`,
        build: () => { const ix = new FlexSearch.Index({tokenize: "strict"}); segments.forEach((s, i) => ix.add(i, s)); return ix; },
        query: (ix, q) => rerank(q, (ix as InstanceType<typeof FlexSearch.Index>).search(q, {limit: C, suggest: true}) as number[]),
    })),
];

const results = [];
for (const m of methods) {
    const h0 = gc();
    const b0 = performance.now();
    const index = m.build();
    const buildMs = performance.now() - b0;
    const heapMB = (gc() - h0) / 2 ** 20;
    for (const q of queries.slice(0, 20)) m.query(index, q); // warm-up
    const times: number[] = [];
    let found = 0;
    queries.forEach((q, i) => {
        const s0 = performance.now();
        const best = m.query(index, q);
        times.push(performance.now() - s0);
        if (truth[i] >= MIN && Math.abs(best - truth[i]) < 1e-9) found++;
    });
    times.sort((x, y) => x - y);
    const r = {
        method: m.name, recall: withMatch ? found / withMatch : 1, found, withMatch,
        meanMs: times.reduce((x, y) => x + y, 0) / times.length, p50Ms: times[times.length >> 1], p95Ms: times[Math.floor(times.length * 0.95)], maxMs: times[times.length - 1],
        buildMs, heapMB,
    };
    results.push(r);
    console.error(`${r.method}: recall ${(100 * r.recall).toFixed(1)}% (${found}/${withMatch}), ${r.meanMs.toFixed(2)} ms mean, p95 ${r.p95Ms.toFixed(2)}, max ${r.maxMs.toFixed(1)}; build ${(buildMs / 1000).toFixed(2)} s, heap +${heapMB.toFixed(0)} MiB`);
    void index;
}

// ------------------------------------------------------------------ the memory file: save and load the same segments
const tmFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-tm-measure-")), "en-xx.pstm");
const mem = new TranslationMemory({src: "en", tgt: "xx"});
mem.add(segments.map((source, i) => ({source, target: targets[i], origin: {kind: "corpus" as const}})));
const bytes = saveTm(mem, tmFile);
const loads: LoadTiming[] = [];
for (let r = 0; r < 3; r++) { const t: LoadTiming = {readMs: 0, decodeMs: 0, indexMs: 0}; loadTm(tmFile, undefined, t); loads.push(t); }
fs.rmSync(path.dirname(tmFile), {recursive: true, force: true});
const load = loads.sort((x, y) => (x.readMs + x.decodeMs + x.indexMs) - (y.readMs + y.decodeMs + y.indexMs))[1];
console.error(`memory file: ${(bytes / 2 ** 20).toFixed(1)} MiB; load (median of 3) read ${load.readMs.toFixed(0)} ms, check + decode ${load.decodeMs.toFixed(0)} ms, index ${load.indexMs.toFixed(0)} ms`);

console.log("| method | recall of the best match >= 0.6 | mean ms/query | p95 | max | build s | heap MiB |");
console.log("|---|---|---|---|---|---|---|");
for (const r of results) console.log(`| ${r.method} | ${(100 * r.recall).toFixed(1)}% (${r.found}/${r.withMatch}) | ${r.meanMs.toFixed(2)} | ${r.p95Ms.toFixed(2)} | ${r.maxMs.toFixed(1)} | ${(r.buildMs / 1000).toFixed(2)} | ${r.heapMB.toFixed(0)} |`);
console.log(`\n${segments.length} segments, ${queries.length} queries (${withMatch} with a match >= ${MIN}); brute force ${bruteMs.toFixed(0)} ms/query; node ${process.version}`);
console.log(`memory file of these segments with their translations: ${(bytes / 2 ** 20).toFixed(1)} MiB; loadTm (median of 3): read ${load.readMs.toFixed(0)} ms + checksum and decode ${load.decodeMs.toFixed(0)} ms + index ${load.indexMs.toFixed(0)} ms`);
if (a.json) fs.writeFileSync(a.json, JSON.stringify({segments: segments.length, queries: queries.length, withMatch, bruteMs, results, file: {bytes, load}}, null, 2));
