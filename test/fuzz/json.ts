/**
 * Structure-aware mutations of JSON files (manifests, cost caches, JSONL records): a valid document is parsed to
 * its tree, then a few values at chosen paths are removed, replaced by a value of another type (a string for a
 * number, null, a list, an object, NaN's JSON stand-in null, 1e999 which parses to Infinity, -1, 2^53 + 1, a huge
 * string), or duplicated; the text is then, sometimes, cut, has a byte flipped or gains stray characters.
 */
import fc from "fast-check";

type Json = null | boolean | number | string | Json[] | {[k: string]: Json};

/** Paths of every value in the tree, root first. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
    out.push(at);
    if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
    return out;
}

export type JsonEdit =
    | {op: "delete"; at: number}
    | {op: "replace"; at: number; value: Json | "INFINITY"}
    | {op: "duplicate"; at: number}
    | {op: "retype"; at: number};

export type TextEdit =
    | {op: "cut"; at: number}
    | {op: "flip"; at: number; bit: number}
    | {op: "insert"; at: number; text: string};

const frac = fc.noBias(fc.integer({min: 0, max: 2 ** 30 - 1})).map((n) => n / 2 ** 30);
const oddValue: fc.Arbitrary<Json | "INFINITY"> = fc.oneof(
    fc.constantFrom<Json | "INFINITY">(null, "", "x", -1, 0, 1.5, 2 ** 53 + 1, -0, true, [], {}, "INFINITY", "../../etc/passwd", "ngram:/dev/zero", "__proto__",
        "a|b", "x\n| --- |\ny", "<script>alert(1)</script>", "\u202e"),
    fc.jsonValue({maxDepth: 2}) as fc.Arbitrary<Json>,
    fc.integer().map((n) => n as Json),
    fc.string({maxLength: 8}).map((s) => s as Json),
);
export const jsonEditArb: fc.Arbitrary<JsonEdit> = fc.oneof(
    fc.record({op: fc.constant("delete" as const), at: frac}),
    fc.record({op: fc.constant("replace" as const), at: frac, value: oddValue}),
    fc.record({op: fc.constant("duplicate" as const), at: frac}),
    fc.record({op: fc.constant("retype" as const), at: frac}),
);
export const textEditArb: fc.Arbitrary<TextEdit> = fc.oneof(
    fc.record({op: fc.constant("cut" as const), at: frac}),
    fc.record({op: fc.constant("flip" as const), at: frac, bit: fc.nat(6)}),
    fc.record({op: fc.constant("insert" as const), at: frac, text: fc.constantFrom(",", "}", "]", "\"", "\n", "1e999", "null", "\u0000", "\\u00")}),
);

export interface JsonPlan {
    edits: JsonEdit[];
    text: TextEdit[];
}
export const jsonPlanArb: fc.Arbitrary<JsonPlan> = fc.record({
    edits: fc.array(jsonEditArb, {minLength: 0, maxLength: 3}),
    text: fc.oneof({arbitrary: fc.constant([] as TextEdit[]), weight: 4}, {arbitrary: fc.array(textEditArb, {minLength: 1, maxLength: 2}), weight: 1}),
});

/** Another type for a value: a number becomes a string of it, a string a number, a list an object, and so on. */
function retype(v: Json): Json {
    if (typeof v === "number") return String(v);
    if (typeof v === "string") return v.length;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
    if (v && typeof v === "object") return Object.values(v);
    return 0;
}

/** The document after the plan's tree edits (a deep copy). "INFINITY" stands for 1e999 in the text. */
export function editJson(doc: unknown, edits: readonly JsonEdit[]): Json {
    let root = JSON.parse(JSON.stringify(doc)) as Json;
    for (const e of edits) {
        const all = paths(root);
        const p = all[Math.floor(e.at * all.length)]!;
        const value = (): Json => {
            let v: Json = root;
            for (const k of p) v = (v as Record<string | number, Json>)[k]!;
            return v;
        };
        const set = (x: Json | undefined) => {
            if (p.length === 0) { root = x === undefined ? null : x; return; }
            let parent: Json = root;
            for (const k of p.slice(0, -1)) parent = (parent as Record<string | number, Json>)[k]!;
            const last = p[p.length - 1]!;
            if (Array.isArray(parent)) {
                if (x === undefined) parent.splice(last as number, 1); else parent[last as number] = x;
            } else if (x === undefined) delete (parent as Record<string, Json>)[last as string];
            else (parent as Record<string, Json>)[last as string] = x;
        };
        switch (e.op) {
            case "delete": set(undefined); break;
            case "replace": set(e.value as Json); break;
            case "retype": set(retype(value())); break;
            case "duplicate": { const v = value(); set(Array.isArray(v) ? [...v, ...v] : typeof v === "string" ? v.repeat(3) : [v, v]); break; }
        }
    }
    return root;
}

export function editText(text: string, edits: readonly TextEdit[]): string {
    for (const e of edits) {
        const at = Math.floor(e.at * text.length);
        if (e.op === "cut") text = text.slice(0, at);
        else if (e.op === "flip") text = text.slice(0, at) + String.fromCharCode((text.charCodeAt(at) || 32) ^ (1 << e.bit)) + text.slice(at + 1);
        else text = text.slice(0, at) + e.text + text.slice(at);
    }
    return text;
}

/** A valid document through a plan: its JSON text (pretty or one line). */
export function mutateJson(doc: unknown, plan: JsonPlan, oneLine = false): string {
    const text = JSON.stringify(editJson(doc, plan.edits), null, oneLine ? undefined : 2).replace(/"INFINITY"/g, "1e999");
    return editText(text, plan.text);
}
