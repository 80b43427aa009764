/**
 * ICU MessageFormat messages with plural / select parts ("{count, plural, one {# file} other {# files}}"), parsed
 * with @formatjs/icu-messageformat-parser, translated as whole sentences and put back together.
 *
 * A small model cannot be trusted with ICU syntax, nor with fragments ("# file"). So the message is flattened: the
 * first plural or select is taken, and each of its branches, with the text around the plural moved into it, becomes
 * a message of its own ("You have {count, plural, one {# file} other {# files}} left." -> "You have # file left.",
 * "You have # files left."); recursively, until no plural or select is left. Each flat message is a text for the
 * model; the result is the same tree with the translations in its leaves:
 *   {count, plural, one {Sie haben # Datei übrig.} other {Sie haben # Dateien übrig.}}
 *
 * Plural branches follow the TARGET language's CLDR categories (Intl.PluralRules): Russian gets one / few / many /
 * other, Japanese other alone; a category the source lacks is translated from the source's "other"; explicit "=N"
 * branches are kept. Where one plural is on the path, the model sees a sample number of the branch's category in the
 * place of "#" (Russian few: "You have 2 files left.") so it inflects the noun for it; the number is put back as "#".
 * The assembled message must parse again and keep the source's arguments; otherwise the entry is flagged.
 */
import {parse, TYPE, type MessageFormatElement, type PluralElement, type SelectElement} from "@formatjs/icu-messageformat-parser";
import {categoryOf, pluralCategories, sampleNumber} from "./plural";

export interface IcuText {
    source: string;
    keep?: string[];
    restore?: {from: string; to: string};
}

export interface IcuPlan {
    texts: IcuText[];
    /** The target message from the texts' translations (restored), in `texts` order. */
    assemble(outputs: readonly string[]): string;
    /** A problem with an assembled message (does not parse, arguments changed), or undefined. */
    check(message: string): string | undefined;
}

type Node = {leaf: number} | {head: string; options: {key: string; node: Node}[]};

const PARSE = {captureLocation: true, ignoreTag: true} as const;

/** The plan of a message with plural / select parts; undefined for any other text (or one that does not parse). */
export function icuPlan(message: string, lang: string, srcLang = "en"): IcuPlan | undefined {
    if (!/,\s*(plural|select|selectordinal)\s*,/.test(message)) return undefined;
    let elements: MessageFormatElement[];
    try {
        elements = parse(message, PARSE);
    } catch {
        return undefined;
    }
    if (!hasChoice(elements)) return undefined;
    const args = argumentNames(elements);
    const texts: IcuText[] = [];
    let root: Node;
    try {
        root = flatten(message, lang, srcLang, texts, 0, undefined);
    } catch {
        return undefined;
    }
    const print = (n: Node, outs: readonly string[]): string =>
        "leaf" in n ? outs[n.leaf] : `${n.head} ${n.options.map((o) => `${o.key} {${print(o.node, outs)}}`).join(" ")}}`;
    return {
        texts,
        assemble: (outs) => print(root, outs),
        check(m) {
            let els: MessageFormatElement[];
            try {
                els = parse(m, {ignoreTag: true});
            } catch (e) {
                return `the assembled ICU message does not parse (${(e as Error).message})`;
            }
            const got = argumentNames(els);
            const lost = [...args].filter((a) => !got.has(a)), added = [...got].filter((a) => !args.has(a));
            if (lost.length || added.length) return `ICU arguments changed: ${[...lost.map((a) => `lost {${a}}`), ...added.map((a) => `added {${a}}`)].join(", ")}`;
            return undefined;
        },
    };
}

function hasChoice(els: MessageFormatElement[]): boolean {
    return els.some((e) => e.type === TYPE.plural || e.type === TYPE.select);
}

function argumentNames(els: MessageFormatElement[], out = new Set<string>()): Set<string> {
    for (const e of els) {
        if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) out.add(e.value);
        if (e.type === TYPE.plural || e.type === TYPE.select) {
            out.add(e.value);
            for (const o of Object.values(e.options)) argumentNames(o.value, out);
        }
    }
    return out;
}

/**
 * Flattens `raw` (a valid message): its first plural / select becomes a node whose branches are the flattened
 * messages prefix + branch + suffix. `sample`: the sample number of the one plural above (undefined: none, or more
 * than one plural on the path).
 */
function flatten(raw: string, lang: string, srcLang: string, texts: IcuText[], plurals: number, sample: number | undefined): Node {
    const els = parse(raw, PARSE);
    const choice = els.find((e): e is PluralElement | SelectElement => e.type === TYPE.plural || e.type === TYPE.select);
    if (!choice) return {leaf: leaf(raw, plurals > 0, texts, plurals === 1 ? sample : undefined)};
    const start = choice.location!.start.offset, end = choice.location!.end.offset;
    const prefix = raw.slice(0, start), suffix = raw.slice(end);
    const options = Object.entries(choice.options).sort((a, b) => (a[1].location?.start.offset ?? 0) - (b[1].location?.start.offset ?? 0));
    const inner = (key: string) => {
        const o = choice.options[key];
        return raw.slice(o.location!.start.offset + 1, o.location!.end.offset - 1);
    };
    if (choice.type === TYPE.select) {
        return {head: `{${choice.value}, select,`, options: options.map(([key]) => ({key, node: flatten(prefix + inner(key) + suffix, lang, srcLang, texts, plurals, sample)}))};
    }
    const type = choice.pluralType === "ordinal" ? "ordinal" : "cardinal";
    const keys = [...options.map(([k]) => k).filter((k) => k.startsWith("=")), ...pluralCategories(lang, type)];
    const tgtCat = categoryOf(lang, type), srcCat = categoryOf(srcLang, type);
    const avoid = new Set(raw.match(/\d+/g) ?? []);
    const out: {key: string; node: Node}[] = [];
    for (const key of keys) {
        const from = choice.options[key] ? key : "other";
        if (!choice.options[from]) continue;
        let n: number | undefined;
        if (key.startsWith("=")) n = Number(key.slice(1));
        else n = sampleNumber((x) => tgtCat(x) === key && srcCat(x) === from, avoid)
            ?? sampleNumber((x) => tgtCat(x) === key, avoid);
        out.push({key, node: flatten(prefix + inner(from) + suffix, lang, srcLang, texts, plurals + 1, n)});
    }
    const offset = choice.offset ? ` offset:${choice.offset}` : "";
    return {head: `{${choice.value}, ${type === "ordinal" ? "selectordinal" : "plural"},${offset}`, options: out};
}

/**
 * A flat message as a text for the model: "#" as written, or a sample number in its place. Inside a plural, an
 * unquoted "#" is the count; the flat text alone would read it as a literal, so it is parsed inside a plural again.
 */
function leaf(raw: string, inPlural: boolean, texts: IcuText[], sample: number | undefined): number {
    const wrap = "{x, plural, other {";
    const pounds = inPlural
        ? parse(`${wrap}${raw}}}`, PARSE).flatMap((e) => e.type === TYPE.plural ? e.options.other.value : [])
            .filter((e) => e.type === TYPE.pound).map((e) => e.location!.start.offset - wrap.length).sort((a, b) => b - a)
        : [];
    const t: IcuText = {source: raw};
    if (pounds.length && sample !== undefined && !(raw.match(/\d+/g) ?? [] as string[]).includes(String(sample))) {
        let source = raw;
        for (const at of pounds) source = source.slice(0, at) + String(sample) + source.slice(at + 1);
        t.source = source;
        t.keep = Array(pounds.length).fill(String(sample));
        t.restore = {from: String(sample), to: "#"};
    } else if (pounds.length) {
        t.keep = Array(pounds.length).fill("#");
    }
    texts.push(t);
    return texts.length - 1;
}
