/**
 * Structure-aware fuzzing of the n-gram table loader (src/drafters/ngram/reader.ts parseNgramFile, NgramTable,
 * NgramDrafter). Inputs are valid tables (written by the real TableBuilder, of random shapes) put through a few
 * mutations that know the format: header fields and section-table entries set to boundary values or huge claims
 * (2^32 - 1 contexts, 2^40 bytes), bytes of a named section part (hashes, continuations, offset index, counts)
 * overwritten, bit flips, truncations at field and section boundaries, appended or spliced bytes, swapped words;
 * then, usually, the body size and the checksum are recomputed so that the parser gets past those checks and the
 * structural checks behind them are what is tested.
 *
 * The property (checkNgramInput): loading ends in a table or in a one-line PolyspecError naming the file; a table
 * that loads answers lookups and drafts with tokens inside its declared vocabulary and distributions of finite
 * probabilities summing to 1 (greedy and sampled proposals).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import {mulberry32} from "../../src/core/rng";
import {NgramDrafter} from "../../src/drafters/ngram/drafter";
import {CHECKSUM_AT, CHECKSUM_FROM, DEQUANT, HEADER_FIXED, INDEX_STRIDE, MAX_TOKEN, MIN_ORDER, SECTION_ENTRY, contextHash, sectionLength} from "../../src/drafters/ngram/format";
import {readHeaderQuick} from "../../src/drafters/ngram/reader";
import {NgramTable, distribution} from "../../src/drafters/ngram/table";
import {TableBuilder, checkSettings} from "../../src/drafters/ngram/writer";
import {outcome, type Outcome} from "./outcome";

// ---------------------------------------------------------------------------------------------------------------
// Valid tables of random shapes
// ---------------------------------------------------------------------------------------------------------------

export interface TableShape {
    maxOrder: number;
    topM: number;
    /** Declared vocabulary size (the header's). */
    vocab: number;
    /** The training text as token ids (< vocab): its n-grams fill the table, its windows probe it. */
    text: number[];
}

/** Table shapes: orders 2..8 (mostly 2..4), top-M 1..8 or 255, texts of up to 600 tokens (several index blocks). */
export const tableShapeArb: fc.Arbitrary<TableShape> = fc.record({
    maxOrder: fc.oneof({arbitrary: fc.integer({min: 2, max: 4}), weight: 4}, {arbitrary: fc.integer({min: 5, max: 8}), weight: 1}),
    topM: fc.oneof({arbitrary: fc.integer({min: 1, max: 8}), weight: 6}, {arbitrary: fc.constant(255), weight: 1}),
    vocab: fc.oneof(fc.integer({min: 1, max: 60}), fc.integer({min: 1, max: MAX_TOKEN + 1})),
    used: fc.integer({min: 1, max: 60}),
    length: fc.oneof(fc.integer({min: 0, max: 40}), fc.integer({min: 100, max: 600})),
}).chain(({maxOrder, topM, vocab, used, length}) => fc.array(fc.integer({min: 0, max: Math.min(vocab, used) - 1}), {minLength: length, maxLength: length})
    .map((text) => ({maxOrder, topM, vocab, text: text.map((t) => t === 0 && vocab > 1000 ? vocab - 1 : t)})));

/** The bytes of a table trained on the shape's text, written by the real writer. */
export function buildTable(shape: TableShape): Buffer {
    const b = new TableBuilder(checkSettings(shape.maxOrder, 1, shape.topM));
    for (let o = MIN_ORDER; o <= shape.maxOrder; o++) {
        const byHash = new Map<number, Map<number, number>>();
        for (let i = o - 1; i < shape.text.length; i++) {
            const h = contextHash(shape.text, i, o - 1);
            const m = byHash.get(h) ?? new Map<number, number>();
            byHash.set(h, m);
            m.set(shape.text[i]!, (m.get(shape.text[i]!) ?? 0) + 1);
        }
        for (const h of [...byHash.keys()].sort((x, y) => x - y)) {
            const m = byHash.get(h)!;
            b.addContext(o, h, [...m.keys()], [...m.values()], m.size);
        }
    }
    const {parts} = b.finish({fingerprint: "fuzz-vocabulary", vocabSize: shape.vocab, lang: "de", model: "fuzz-model", trainingTokens: shape.text.length});
    return Buffer.concat(parts);
}

/** A valid table and the contexts that probe it (windows of its text). */
export interface Seed {
    bytes: Buffer;
    probes: number[][];
}

export function seedOf(shape: TableShape): Seed {
    const probes: number[][] = [[], [0], [1, 2, 3]];
    for (let i = 1; i < shape.text.length && probes.length < 24; i += 1 + Math.floor(shape.text.length / 24)) probes.push(shape.text.slice(Math.max(0, i - shape.maxOrder), i));
    return {bytes: buildTable(shape), probes};
}

/** A fixed pool of valid tables (deterministic): most inputs mutate one of these, so that generation stays cheap. */
export function seedTables(n: number, seed = 14): Seed[] {
    return fc.sample(tableShapeArb, {numRuns: n, seed}).map(seedOf);
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations that know the layout
// ---------------------------------------------------------------------------------------------------------------

type Field = {name: string; at: number; width: 1 | 4 | 8};
const HEADER_FIELDS: Field[] = [
    {name: "version", at: 8, width: 4}, {name: "headerSize", at: 12, width: 4}, {name: "bodySize", at: 16, width: 8},
    {name: "vocabSize", at: 88, width: 4}, {name: "maxOrder", at: 92, width: 1}, {name: "topM", at: 93, width: 1},
    {name: "quant", at: 94, width: 1}, {name: "trainingTokens", at: 96, width: 8}, {name: "minCount2", at: 104, width: 4},
];
const SECTION_FIELDS: Field[] = [
    {name: "order", at: 0, width: 4}, {name: "minCount", at: 4, width: 4}, {name: "contexts", at: 8, width: 4},
    {name: "ngrams", at: 12, width: 4}, {name: "offset", at: 16, width: 8}, {name: "length", at: 24, width: 8},
];
const PARTS = ["hashes", "conts", "index", "counts"] as const;

/** Values worth trying in a field: boundaries, huge claims, the current value nudged, or anything. */
export type Value =
    | {k: "const"; v: bigint}
    | {k: "delta"; d: number}
    | {k: "times"; f: number}
    | {k: "random"; v: bigint};

const valueArb: fc.Arbitrary<Value> = fc.oneof(
    {arbitrary: fc.constantFrom(0n, 1n, 2n, 7n, 8n, 63n, 64n, 65n, 0x7fn, 0x80n, 0xffn, 0x100n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn,
        0x100000000n, 1n << 40n, (1n << 53n) + 1n, 1n << 63n, (1n << 64n) - 1n).map((v): Value => ({k: "const", v})), weight: 4},
    {arbitrary: fc.integer({min: -8, max: 8}).map((d): Value => ({k: "delta", d})), weight: 3},
    {arbitrary: fc.constantFrom(2, 4, 64, 1 << 20).map((f): Value => ({k: "times", f})), weight: 1},
    {arbitrary: fc.bigInt({min: 0n, max: (1n << 64n) - 1n}).map((v): Value => ({k: "random", v})), weight: 1},
);

export type Mutation =
    | {m: "header"; field: number; value: Value}
    | {m: "section"; s: number; field: number; value: Value}
    /** Claims huge sizes consistently: C and K, the section's length, the later offsets and the body size. */
    | {m: "claim"; s: number; contexts: number; ngrams: number}
    | {m: "part"; s: number; part: number; at: number; value: Value}
    | {m: "flip"; at: number; bit: number}
    | {m: "truncate"; at: number; boundary: boolean}
    | {m: "append"; bytes: Uint8Array}
    | {m: "splice"; at: number; del: number; ins: Uint8Array}
    | {m: "swap"; a: number; b: number};

// positions spread evenly over the file (fast-check would otherwise favour its start)
const frac = fc.noBias(fc.integer({min: 0, max: 2 ** 30 - 1})).map((n) => n / 2 ** 30);
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
    {arbitrary: fc.record({m: fc.constant("header" as const), field: fc.nat(HEADER_FIELDS.length - 1), value: valueArb}), weight: 3},
    {arbitrary: fc.record({m: fc.constant("section" as const), s: fc.nat(6), field: fc.nat(SECTION_FIELDS.length - 1), value: valueArb}), weight: 4},
    {arbitrary: fc.record({m: fc.constant("claim" as const), s: fc.nat(6), contexts: fc.constantFrom(0x7fffffff, 0xffffffff, 2 ** 28, 2 ** 30, 65), ngrams: fc.constantFrom(0, 0xffffffff, 2 ** 30, 2 ** 31)}), weight: 1},
    {arbitrary: fc.record({m: fc.constant("part" as const), s: fc.nat(6), part: fc.nat(PARTS.length - 1), at: frac, value: valueArb}), weight: 5},
    {arbitrary: fc.record({m: fc.constant("flip" as const), at: frac, bit: fc.nat(7)}), weight: 2},
    {arbitrary: fc.record({m: fc.constant("truncate" as const), at: frac, boundary: fc.boolean()}), weight: 2},
    {arbitrary: fc.record({m: fc.constant("append" as const), bytes: fc.uint8Array({minLength: 1, maxLength: 64})}), weight: 1},
    {arbitrary: fc.record({m: fc.constant("splice" as const), at: frac, del: fc.nat(16), ins: fc.uint8Array({maxLength: 16})}), weight: 1},
    {arbitrary: fc.record({m: fc.constant("swap" as const), a: frac, b: frac}), weight: 1},
);

export interface Plan {
    /** Index into the seed pool, or a freshly generated table. */
    base: {seed: number} | {shape: TableShape};
    mutations: Mutation[];
    /** Recompute the body size from the file's length (after the mutations). */
    fixSize: boolean;
    /** Recompute the checksum (after the mutations): the parser then gets past it. */
    fixSum: boolean;
}

export function planArb(poolSize: number): fc.Arbitrary<Plan> {
    return fc.record({
        base: fc.oneof({arbitrary: fc.nat(poolSize - 1).map((seed) => ({seed})), weight: 9}, {arbitrary: tableShapeArb.map((shape) => ({shape})), weight: 1}),
        mutations: fc.array(mutationArb, {minLength: 0, maxLength: 4}),
        fixSize: fc.oneof({arbitrary: fc.constant(true), weight: 4}, {arbitrary: fc.constant(false), weight: 1}),
        fixSum: fc.oneof({arbitrary: fc.constant(true), weight: 9}, {arbitrary: fc.constant(false), weight: 1}),
    });
}

const maxOf = (w: number) => (1n << BigInt(8 * w)) - 1n;
function readField(b: Buffer, at: number, w: number): bigint {
    if (at + w > b.length) return 0n;
    return w === 1 ? BigInt(b[at]) : w === 4 ? BigInt(b.readUInt32LE(at)) : b.readBigUInt64LE(at);
}
function writeField(b: Buffer, at: number, w: number, v: bigint): void {
    if (at < 0 || at + w > b.length) return;
    v &= maxOf(w);
    if (w === 1) b[at] = Number(v);
    else if (w === 4) b.writeUInt32LE(Number(v), at);
    else b.writeBigUInt64LE(v, at);
}
function resolve(cur: bigint, value: Value, w: number): bigint {
    const max = maxOf(w);
    switch (value.k) {
        case "const": return value.v & max;
        case "random": return value.v & max;
        case "delta": return (cur + BigInt(value.d)) & max;
        case "times": return (cur * BigInt(value.f)) & max;
    }
}

const sectionCount = (b: Buffer) => (b.length > 92 ? Math.max(1, Math.min(7, b[92]! - 1)) : 1);

/** Where part p of section s is in the file, from its section table (as the file says, clamped to the file). */
function partRange(b: Buffer, s: number, part: number): [number, number] | undefined {
    const e = HEADER_FIXED + SECTION_ENTRY * s;
    if (e + SECTION_ENTRY > b.length) return undefined;
    const C = b.readUInt32LE(e + 8), K = b.readUInt32LE(e + 12), off = Number(b.readBigUInt64LE(e + 16));
    const nIndex = Math.ceil(C / INDEX_STRIDE) + 1;
    const starts = [off, off + 4 * C, off + 4 * C + 4 * K, off + 4 * C + 4 * K + 4 * nIndex, off + 4 * C + 4 * K + 4 * nIndex + C];
    const lo = starts[part]!, hi = Math.min(starts[part + 1]!, b.length);
    return lo < hi ? [lo, hi] : undefined;
}

export function applyMutation(b: Buffer, mu: Mutation): Buffer {
    switch (mu.m) {
        case "header": {
            const f = HEADER_FIELDS[mu.field]!;
            writeField(b, f.at, f.width, resolve(readField(b, f.at, f.width), mu.value, f.width));
            return b;
        }
        case "section": {
            const f = SECTION_FIELDS[mu.field]!;
            const at = HEADER_FIXED + SECTION_ENTRY * (mu.s % sectionCount(b)) + f.at;
            writeField(b, at, f.width, resolve(readField(b, at, f.width), mu.value, f.width));
            return b;
        }
        case "claim": {
            const n = sectionCount(b), s = mu.s % n;
            const e = HEADER_FIXED + SECTION_ENTRY * s;
            if (e + SECTION_ENTRY > b.length) return b;
            const oldLen = b.readBigUInt64LE(e + 24);
            const len = BigInt(sectionLength(mu.contexts, mu.ngrams));
            b.writeUInt32LE(mu.contexts, e + 8);
            b.writeUInt32LE(mu.ngrams, e + 12);
            b.writeBigUInt64LE(len, e + 24);
            for (let t = s + 1; t < n; t++) {
                const o = HEADER_FIXED + SECTION_ENTRY * t + 16;
                if (o + 8 <= b.length) b.writeBigUInt64LE((b.readBigUInt64LE(o) + len - oldLen) & maxOf(8), o);
            }
            if (b.length >= 24) b.writeBigUInt64LE((b.readBigUInt64LE(16) + len - oldLen) & maxOf(8), 16);
            return b;
        }
        case "part": {
            const r = partRange(b, mu.s % sectionCount(b), mu.part);
            if (!r) return b;
            const w = PARTS[mu.part] === "counts" ? 1 : 4;
            const slots = Math.floor((r[1] - r[0]) / w);
            if (slots <= 0) return b;
            const at = r[0] + w * Math.floor(mu.at * slots);
            writeField(b, at, w, resolve(readField(b, at, w), mu.value, w));
            return b;
        }
        case "flip": {
            if (b.length === 0) return b;
            b[Math.floor(mu.at * b.length)]! ^= 1 << mu.bit;
            return b;
        }
        case "truncate": {
            if (!mu.boundary) return b.subarray(0, Math.floor(mu.at * b.length));
            const cuts = [0, 1, 7, 8, 12, 15, 16, 24, 56, 92, 255, HEADER_FIXED, HEADER_FIXED + SECTION_ENTRY * sectionCount(b) - 1];
            for (let s = 0; s < sectionCount(b); s++) for (let p = 0; p < 4; p++) { const r = partRange(b, s, p); if (r) cuts.push(r[0], r[1] - 1); }
            return b.subarray(0, Math.min(b.length, cuts[Math.floor(mu.at * cuts.length)]!));
        }
        case "append": return Buffer.concat([b, mu.bytes]);
        case "splice": {
            const at = Math.floor(mu.at * b.length);
            return Buffer.concat([b.subarray(0, at), mu.ins, b.subarray(Math.min(b.length, at + mu.del))]);
        }
        case "swap": {
            const words = Math.floor(b.length / 4);
            if (words < 2) return b;
            const a = 4 * Math.floor(mu.a * words), c = 4 * Math.floor(mu.b * words);
            const x = b.readUInt32LE(a);
            b.writeUInt32LE(b.readUInt32LE(c), a);
            b.writeUInt32LE(x, c);
            return b;
        }
    }
}

/** The bytes a plan stands for, and the contexts that probe them. */
export function materialize(plan: Plan, pool: readonly Seed[]): Seed {
    const base = "seed" in plan.base ? pool[plan.base.seed % pool.length]! : seedOf(plan.base.shape);
    let b = Buffer.from(base.bytes);
    for (const mu of plan.mutations) b = Buffer.from(applyMutation(b, mu));
    if (plan.fixSize && b.length >= 24) b.writeBigUInt64LE(BigInt(Math.max(0, b.length - (b.length >= 16 ? b.readUInt32LE(12) : 0))), 16);
    if (plan.fixSum && b.length >= CHECKSUM_FROM) crypto.createHash("sha256").update(b.subarray(CHECKSUM_FROM)).digest().copy(b, CHECKSUM_AT);
    return {bytes: b, probes: base.probes};
}

// ---------------------------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------------------------

/**
 * What a loaded table must do: every stored context's continuations, every lookup and every proposal (greedy
 * and sampled) stay inside the declared vocabulary with real distributions (finite probabilities summing to 1).
 */
export function exerciseTable(t: NgramTable, probes: readonly number[][]): void {
    const vocab = t.header.vocabSize;
    const bad = (what: string) => { throw new Error(`table loaded but ${what}`); };
    const checkDist = (d: ReadonlyMap<number, number>) => {
        let sum = 0;
        for (const [tok, p] of d) {
            if (!(tok >= 0 && tok < vocab)) bad(`proposes token ${tok} outside its vocabulary of ${vocab}`);
            if (!(Number.isFinite(p) && p > 0 && p <= 1)) bad(`gives probability ${p}`);
            sum += p;
        }
        if (Math.abs(sum - 1) > 1e-9) bad(`gives a distribution summing to ${sum}`);
    };
    // every stored context (up to 256 an order), as the drafter would read it
    for (let o = MIN_ORDER; o <= t.maxOrder; o++) {
        const s = t.section(o);
        for (let ci = 0; ci < Math.min(s.hashes.length, 256); ci++) {
            if (t.findContext(o, s.hashes[ci]!) !== ci) bad(`cannot find its own context ${ci} of order ${o}`);
            const start = t.contStart(o, ci), count = s.nCont[ci]!;
            let total = 0;
            for (let j = start; j < start + count; j++) total += DEQUANT[s.conts[j]! >>> 24]!;
            checkDist(distribution({order: o, conts: s.conts, start, count, total}));
        }
    }
    const greedy = new NgramDrafter(t), sampled = new NgramDrafter(t);
    let hits = 0;
    for (const ctx of probes) {
        const d = t.lookup(ctx);
        if (d) { checkDist(d); hits++; }
        const p = greedy.propose(ctx, 6);
        p.tokens.forEach((tok, i) => {
            if (!(tok >= 0 && tok < vocab)) bad(`drafts token ${tok} outside its vocabulary of ${vocab}`);
            const c = p.confidence![i]!;
            if (!(Number.isFinite(c) && c > 0 && c <= 1)) bad(`drafts with confidence ${c}`);
        });
        const q = sampled.propose(ctx, 6, {rng: mulberry32(ctx.length)});
        q.dists?.forEach(checkDist);
        q.tokens.forEach((tok, i) => { if (!q.dists![i]!.has(tok)) bad(`samples token ${tok} outside its own distribution`); });
    }
    lookups += probes.length;
    lookupHits += hits;
}

/** Lookups made on loaded tables, and how many found a stored context (the harness's own coverage figure). */
export let lookups = 0, lookupHits = 0;

export const NGRAM_NAME = "fuzz.ngram";

/** One input through the in-memory loader, the table and both drafting modes. */
export function checkNgramInput(input: Seed): Outcome {
    return outcome(NGRAM_NAME, () => NgramTable.fromBuffer(input.bytes, NGRAM_NAME), (t) => exerciseTable(t, input.probes));
}

/** One input through the file loader (header first, then the body) and the quick header reader. */
export function checkNgramFile(input: Seed, dir: string): Outcome {
    const file = path.join(dir, NGRAM_NAME);
    fs.writeFileSync(file, input.bytes);
    return outcome(file, () => {
        readHeaderQuick(file); // must not throw, whatever the file
        return NgramTable.load(file, {fingerprint: "fuzz-vocabulary"});
    }, (t) => exerciseTable(t, input.probes));
}

/** A short description of a plan for crash reports (the mutations; the base by index). */
export function describePlan(plan: Plan): string {
    return JSON.stringify({...plan, base: "seed" in plan.base ? plan.base : "fresh table"}, (_k, v) => typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v);
}
