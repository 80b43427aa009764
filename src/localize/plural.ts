/**
 * Plural forms: the gettext Plural-Forms header (nplurals and its C expression, evaluated safely: parsed, never
 * eval'd), CLDR categories for ICU messages (Intl.PluralRules), and sample numbers.
 *
 * A sample number lets a small model inflect a plural form correctly: instead of asking it to translate
 * "%d files" once for Russian's three forms, each form is asked with a number of that form in the count's place
 * ("2 files" -> "2 файла", "5 files" -> "5 файлов"), and the number is put back as the placeholder afterwards.
 */
import {PolyspecError} from "../core/errors";

export interface PluralForms {
    nplurals: number;
    /** The form index of a count. */
    plural: (n: number) => number;
    /** The expression as written (for messages). */
    expression: string;
}

/** Parses "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : ...);". Throws a PolyspecError on a bad header. */
export function parsePluralForms(header: string): PluralForms {
    const np = /nplurals\s*=\s*(\d+)/.exec(header);
    const pl = /plural\s*=\s*([^;]+);?/.exec(header.replace(/nplurals\s*=\s*\d+\s*;?/, ""));
    if (!np) throw new PolyspecError(`the Plural-Forms header "${header}" has no nplurals`, "E_SYNTAX");
    const nplurals = Number(np[1]);
    if (nplurals < 1 || nplurals > 6) throw new PolyspecError(`the Plural-Forms header says nplurals=${nplurals}: expected 1 to 6`, "E_SYNTAX");
    const expression = pl ? pl[1].trim() : "0";
    let f: (n: number) => number;
    try {
        f = compile(expression);
    } catch (e) {
        throw new PolyspecError(`the Plural-Forms expression "${expression}" cannot be read: ${(e as Error).message}`, "E_SYNTAX");
    }
    return {nplurals, expression, plural: (n) => { const v = f(n); return Number.isInteger(v) && v >= 0 && v < nplurals ? v : 0; }};
}

/** The default forms where a .po file has no Plural-Forms header (gettext's Germanic default). */
export const GERMANIC: PluralForms = {nplurals: 2, expression: "n != 1", plural: (n) => n !== 1 ? 1 : 0};

/**
 * A small number that `accept` takes (e.g. "its plural form is 2"), not among `avoid` (numbers already in the text, so
 * that the sample can be found again in the translation). 1 is tried first, then small typical counts.
 */
export function sampleNumber(accept: (n: number) => boolean, avoid: ReadonlySet<string> = new Set()): number | undefined {
    for (const n of [1, 2, 5, 3, 4, 7, 21, 22, 25, 11, 12, 0, 101, 102, 105, 111, 1000, 1001, 1002]) {
        if (accept(n) && !avoid.has(String(n))) return n;
    }
    for (let n = 6; n < 2000; n++) if (accept(n) && !avoid.has(String(n))) return n;
    return undefined;
}

/** CLDR plural categories of a language, in CLDR order (zero one two few many other). */
export function pluralCategories(lang: string, type: "cardinal" | "ordinal" = "cardinal"): string[] {
    let cats: string[];
    try {
        cats = new Intl.PluralRules(lang, {type}).resolvedOptions().pluralCategories as string[];
    } catch {
        cats = ["one", "other"];
    }
    const order = ["zero", "one", "two", "few", "many", "other"];
    return [...cats].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** The CLDR category of a count in a language. */
export function categoryOf(lang: string, type: "cardinal" | "ordinal" = "cardinal"): (n: number) => string {
    const r = new Intl.PluralRules(lang, {type});
    return (n) => r.select(n);
}

// --- a safe evaluator of gettext's C plural expressions -------------------------------------------------------------

type Tok = {t: "num"; v: number} | {t: "n"} | {t: "op"; v: string};

function lex(s: string): Tok[] {
    const out: Tok[] = [];
    const re = /\s*(?:(\d+)|(n)\b|(==|!=|<=|>=|&&|\|\||[-+*/%<>!?:()]))/gy;
    let i = 0;
    while (i < s.length) {
        if (/^\s*$/.test(s.slice(i))) break;
        re.lastIndex = i;
        const m = re.exec(s);
        if (!m) throw new Error(`unexpected "${s.slice(i).trim().slice(0, 10)}"`);
        if (m[1] !== undefined) out.push({t: "num", v: Number(m[1])});
        else if (m[2] !== undefined) out.push({t: "n"});
        else out.push({t: "op", v: m[3]});
        i = re.lastIndex;
    }
    return out;
}

/** Compiles a C expression over n (ternary, || && == != < <= > >= + - * / % ! and parentheses) into a function. */
function compile(src: string): (n: number) => number {
    const toks = lex(src);
    let p = 0;
    const peek = () => toks[p];
    const isOp = (v: string) => { const t = peek(); return t?.t === "op" && t.v === v; };
    const expect = (v: string) => { if (!isOp(v)) throw new Error(`expected "${v}"`); p++; };
    type F = (n: number) => number;
    const ternary = (): F => {
        const c = binary(0);
        if (!isOp("?")) return c;
        p++;
        const a = ternary();
        expect(":");
        const b = ternary();
        return (n) => c(n) ? a(n) : b(n);
    };
    const LEVELS = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]];
    const binary = (level: number): F => {
        if (level === LEVELS.length) return unary();
        let left = binary(level + 1);
        for (;;) {
            const t = peek();
            if (t?.t !== "op" || !LEVELS[level].includes(t.v)) return left;
            p++;
            const right = binary(level + 1), l = left, op = t.v;
            left = (n) => apply(op, l(n), right(n));
        }
    };
    const unary = (): F => {
        if (isOp("!")) { p++; const f = unary(); return (n) => f(n) ? 0 : 1; }
        if (isOp("-")) { p++; const f = unary(); return (n) => -f(n); }
        if (isOp("(")) { p++; const f = ternary(); expect(")"); return f; }
        const t = peek();
        if (!t) throw new Error("unexpected end");
        p++;
        if (t.t === "num") return () => t.v;
        if (t.t === "n") return (n) => n;
        throw new Error(`unexpected "${t.v}"`);
    };
    const f = ternary();
    if (p !== toks.length) throw new Error(`unexpected "${(toks[p] as {v?: unknown}).v ?? "n"}"`);
    return f;
}

function apply(op: string, a: number, b: number): number {
    switch (op) {
        case "||": return a || b ? 1 : 0;
        case "&&": return a && b ? 1 : 0;
        case "==": return a === b ? 1 : 0;
        case "!=": return a !== b ? 1 : 0;
        case "<": return a < b ? 1 : 0;
        case "<=": return a <= b ? 1 : 0;
        case ">": return a > b ? 1 : 0;
        case ">=": return a >= b ? 1 : 0;
        case "+": return a + b;
        case "-": return a - b;
        case "*": return a * b;
        case "/": return b === 0 ? 0 : Math.trunc(a / b);
        case "%": return b === 0 ? 0 : a % b;
        default: throw new Error(`operator ${op}`);
    }
}
