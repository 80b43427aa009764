/**
 * Checks parsed JSON against a small description of its shape, so that a loader refuses a damaged or hand-edited
 * file with one clear line instead of failing later on a field of the wrong type.
 *
 *   const RECORD: Shape = {obj: {task: "string", output: {array: "token"}, reference: {opt: "string"}}};
 *   shapeProblem({task: "t", output: [1, "x"]}, RECORD)  ->  "output[1] must be a token id (got \"x\")"
 *
 * Kinds: "string", "number" (finite), "metric" (a finite number, or null: JSON writes NaN as null), "count" (an
 * integer >= 0), "token" (an integer from 0 to 2^31 - 1), "boolean"; {opt: S} (absent or S); {array: S};
 * {tuple: [S, ...]}; {record: S} (an object whose every value is S); {literal: [...]} (one of these values);
 * {either: [S, ...]} (any of these shapes); {obj: {key: S}} (an object with these keys; others are allowed and
 * ignored).
 */
export type Shape =
    | "string" | "number" | "metric" | "count" | "token" | "boolean"
    | {opt: Shape} | {array: Shape} | {tuple: Shape[]} | {record: Shape} | {literal: readonly (string | number | boolean)[]} | {either: Shape[]}
    | {obj: Record<string, Shape>};

const show = (v: unknown) => {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 40 ? s.slice(0, 37) + "..." : s;
};
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The first way `v` differs from `shape` ("at.path must be ..."), or undefined when it fits. */
export function shapeProblem(v: unknown, shape: Shape, at = ""): string | undefined {
    const where = at || "the value";
    const want = (what: string) => `${where} must be ${what} (got ${show(v)})`;
    if (typeof shape === "string") {
        switch (shape) {
            case "string": return typeof v === "string" ? undefined : want("a string");
            case "number": return typeof v === "number" && Number.isFinite(v) ? undefined : want("a number");
            case "metric": return v === null || (typeof v === "number" && Number.isFinite(v)) ? undefined : want("a number or null");
            case "count": return Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : want("a whole number >= 0");
            case "token": return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0x7fffffff ? undefined : want("a token id");
            case "boolean": return typeof v === "boolean" ? undefined : want("true or false");
        }
    }
    if ("opt" in shape) return v === undefined ? undefined : shapeProblem(v, shape.opt, at);
    if ("either" in shape) return shape.either.some((x) => shapeProblem(v, x, at) === undefined) ? undefined : shapeProblem(v, shape.either[0]!, at);
    if ("literal" in shape) return shape.literal.includes(v as string) ? undefined : want(`one of ${shape.literal.map((x) => JSON.stringify(x)).join(", ")}`);
    if ("array" in shape || "tuple" in shape) {
        if (!Array.isArray(v)) return want("a list");
        if ("tuple" in shape && v.length !== shape.tuple.length) return want(`a list of ${shape.tuple.length}`);
        for (let i = 0; i < v.length; i++) {
            const p = shapeProblem(v[i], "tuple" in shape ? shape.tuple[i]! : shape.array, `${at}[${i}]`);
            if (p) return p;
        }
        return undefined;
    }
    if (!isObj(v)) return want("an object");
    if ("record" in shape) {
        for (const [k, x] of Object.entries(v)) {
            const p = shapeProblem(x, shape.record, at ? `${at}.${k}` : k);
            if (p) return p;
        }
        return undefined;
    }
    for (const [k, s] of Object.entries(shape.obj)) {
        const p = shapeProblem(Object.hasOwn(v, k) ? v[k] : undefined, s, at ? `${at}.${k}` : k);
        if (p) return p;
    }
    return undefined;
}

/** A parser's error message on one line (JSON.parse quotes the text around the error, line breaks included). */
export function oneLine(message: string): string {
    return message.replace(/\s+/g, " ").trim();
}
