/**
 * Placeholders: the parts of a translatable string that a program fills in or interprets, which a translation must
 * keep exactly as written (never translated, never dropped, never invented). Extracted from the source, checked in
 * every output.
 *
 * Known kinds (first match at a position wins, in this order):
 *   tag        markup: <b>, </b>, <br/>, <a href="{url}">, XLIFF inline codes <x id="1"/>, <g id="2">; React-style <0>, </1>
 *   entity     &amp; &nbsp; &#169; &#x2014;
 *   mustache   {{name}}, {{ name }}, {{{html}}}, {{- raw}} (i18next, Handlebars, Angular, Vue)
 *   template   ${name} (JavaScript template, ICU4J)
 *   ruby       %{name}, %<name>s (Ruby, Rails i18n)
 *   python     %(name)s, %(count)d
 *   printf     %s, %d, %5.2f, %-3s, %1$s, %2$d, %lld, %@ (C, PHP, Java, Objective-C); %% (a literal percent sign)
 *   qt         %1, %L2 (Qt, .NET resources)
 *   brace      {name}, {0}, {count, number}, {0:N2}, {} (ICU arguments, Python str.format, .NET, Java MessageFormat)
 *   dollar     $name, $unit.name, $name| (Wesnoth, shell, Perl); $[officename] (LibreOffice)
 *   constant   %PRODUCTNAME, %PRODUCTVERSION (LibreOffice upper-case constants)
 *   nesting    $t(key) (i18next), @:key, @.lower:key (vue-i18n linked messages)
 *   url        http://..., https://..., mailto:..., e-mail addresses
 *   unknown    anything else that looks like code rather than words: a brace group with spaces ({user | upper}),
 *              [[x]], [%x%], %VAR%, __NAME__, <<x>>, #{x}: preserved verbatim like the rest
 *
 * Normalisation before comparing: whitespace inside {{ }} is insignificant ({{ name }} = {{name}}). Everything else is
 * compared verbatim.
 *
 * The check (checkPlaceholders) reports, for a source and a translation:
 *   missing   placeholders of the source not in the translation (as a multiset: a placeholder used twice must be there
 *             twice);
 *   extra     placeholders of the translation not in the source (the model invented or changed one);
 *   order     printf directives without a position (%s %d) must keep their order (their position is their meaning);
 *   nesting   paired tags must stay properly nested (<b> before </b>);
 *   newlines  a source that starts or ends with a line break must do so in the translation too (gettext's rule);
 *   keep      extra literal tokens the caller requires (e.g. the sample number of a plural form).
 */

export type PlaceholderKind =
    | "tag" | "entity" | "mustache" | "template" | "ruby" | "python" | "printf" | "qt" | "brace" | "dollar"
    | "constant" | "nesting" | "url" | "unknown";

export interface Placeholder {
    kind: PlaceholderKind;
    /** The text as written in the string. */
    text: string;
    /** Offset in the string (UTF-16 code units). */
    index: number;
}

const PATTERNS: [PlaceholderKind, string][] = [
    ["url", String.raw`\b(?:https?|ftp):\/\/[^\s<>"'{}]+[^\s<>"'{}.,;:!?)\]]|\bmailto:[^\s<>"']+[^\s<>"'.,;:!?)]|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b`],
    ["tag", String.raw`<\/?[A-Za-z][\w:.-]*(?:\s+[^<>]*?)?\s*\/?>|<\/?\d{1,3}\s*\/?>`],
    ["unknown", String.raw`<<[^<>\s]{1,60}>>`],
    ["entity", String.raw`&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});`],
    ["mustache", String.raw`\{\{\{?[^{}]{1,100}\}?\}\}`],
    ["template", String.raw`\$\{[^{}]{1,100}\}`],
    ["unknown", String.raw`#\{[^{}]{1,100}\}`],
    ["ruby", String.raw`%\{[\w.-]{1,60}\}|%<[\w.-]{1,60}>[-+0#]*\d*(?:\.\d+)?[a-zA-Z]`],
    ["python", String.raw`%\([\w.-]{1,60}\)[-+ 0#]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]`],
    ["unknown", String.raw`%[A-Za-z_][\w]{0,40}%`],
    ["constant", String.raw`%[A-Z][A-Z0-9_]{2,40}`],
    ["printf", String.raw`%%|%(?:\d{1,2}\$)?[-+0#']*(?:\d{1,3}|\*)?(?:\.(?:\d{1,3}|\*))?(?:hh|h|ll|l|L|q|j|z|t|I64|I32)?[diouxXeEfFgGaAcspn@]`],
    ["qt", String.raw`%L?\d{1,2}(?!\d)`],
    ["brace", String.raw`\{\s*[\w.$-]*\s*(?:,\s*[\w]+\s*(?:,[^{}]*)?)?(?::[^{}]*)?\}`],
    ["unknown", String.raw`\{[^{}]{1,100}\}`],
    ["nesting", String.raw`\$t\([^()]{1,200}\)|@(?:\.[a-z]+)?:(?:\([\w.-]{1,100}\)|[\w-]+(?:\.[\w-]+)*)`],
    ["dollar", String.raw`\$\[[\w.]{1,60}\]|\$[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\|?`],
    ["unknown", String.raw`\[\[[^\[\]\s]{1,60}\]\]|\[%[^%\]]{1,60}%\]|\b__[A-Za-z]\w{0,40}__\b`],
];

const COMBINED = new RegExp(PATTERNS.map(([, re], i) => `(?<p${i}>${re})`).join("|"), "g");

/** The placeholders of a text, in order. */
export function extractPlaceholders(text: string): Placeholder[] {
    const out: Placeholder[] = [];
    for (const m of text.matchAll(COMBINED)) {
        const g = m.groups!;
        const i = PATTERNS.findIndex((_, j) => g[`p${j}`] !== undefined);
        out.push({kind: PATTERNS[i][0], text: m[0], index: m.index!});
    }
    return out;
}

/** The form in which two placeholders are compared. */
export function normalizePlaceholder(p: Placeholder): string {
    if (p.kind === "mustache") return p.text.replace(/\s+/g, "");
    return p.text;
}

export interface PlaceholderCheck {
    ok: boolean;
    /** Placeholders (as written in the source) that the translation lacks, once per missing occurrence. */
    missing: string[];
    /** Placeholders of the translation that the source does not have. */
    extra: string[];
    /** Human-readable problems, one per line of a report ("missing {count}", "%s and %d swapped"). */
    problems: string[];
}

export interface CheckOptions {
    /** Literal tokens that must occur in the translation as often as given here (as whole numbers / words). */
    keep?: readonly string[];
}

/** Checks a translation's placeholders against its source's (module comment). */
export function checkPlaceholders(source: string, translation: string, o: CheckOptions = {}): PlaceholderCheck {
    const src = extractPlaceholders(source), out = extractPlaceholders(translation);
    const count = (list: Placeholder[]) => {
        const m = new Map<string, {n: number; text: string}>();
        for (const p of list) {
            const k = normalizePlaceholder(p);
            const e = m.get(k);
            if (e) e.n++; else m.set(k, {n: 1, text: p.text});
        }
        return m;
    };
    const a = count(src), b = count(out);
    const missing: string[] = [], extra: string[] = [];
    for (const [k, {n, text}] of a) for (let i = (b.get(k)?.n ?? 0); i < n; i++) missing.push(text);
    for (const [k, {n, text}] of b) for (let i = (a.get(k)?.n ?? 0); i < n; i++) extra.push(text);
    const problems: string[] = [];
    if (missing.length) problems.push(`missing ${quoteList(missing)}`);
    if (extra.length) problems.push(`not in the source: ${quoteList(extra)}`);
    if (!missing.length && !extra.length) {
        const seq = (list: Placeholder[]) => list.filter((p) => p.kind === "printf" && p.text !== "%%" && !/^%\d+\$/.test(p.text)).map((p) => p.text);
        const s1 = seq(src), s2 = seq(out);
        if (s1.join("\u0000") !== s2.join("\u0000")) problems.push(`printf directives without a position must keep their order: ${s1.join(" ")} became ${s2.join(" ")} (use %1$s %2$d to reorder)`);
        if (nestedOk(src) && !nestedOk(out)) problems.push("tags are not properly nested any more");
    }
    for (const [name, re] of [["starts", /^\r?\n/], ["ends", /\r?\n$/]] as const) {
        if (re.test(source) !== re.test(translation)) problems.push(`the source ${re.test(source) ? "" : "does not "}${name} with a line break; the translation ${re.test(translation) ? "does" : "does not"}`);
    }
    for (const [token, n] of tally(o.keep ?? [])) {
        const found = countWhole(translation, token);
        if (found !== n) problems.push(`"${token}" must occur ${n === 1 ? "once" : `${n} times`} (found ${found})`);
    }
    return {ok: problems.length === 0, missing, extra, problems};
}

function quoteList(items: string[]): string {
    return items.map((s) => s.length > 40 ? `${s.slice(0, 37)}...` : s).join(", ");
}

const VOID = new Set(["br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source", "embed", "param", "track"]);

/** Whether the paired tags among the placeholders are properly nested. */
function nestedOk(list: Placeholder[]): boolean {
    const stack: string[] = [];
    for (const p of list) {
        if (p.kind !== "tag" || p.text.endsWith("/>")) continue;
        const m = /^<(\/?)([\w:.-]+)/.exec(p.text);
        if (!m) continue;
        const name = m[2].toLowerCase();
        if (VOID.has(name)) continue;
        if (!m[1]) stack.push(name);
        else if (stack.pop() !== name) return false;
    }
    return stack.length === 0;
}

function tally(items: readonly string[]): Map<string, number> {
    const m = new Map<string, number>();
    for (const t of items) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
}

/** Occurrences of `token` in `text` not glued to a letter or digit on either side. */
export function countWhole(text: string, token: string): number {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(token)}(?![\\p{L}\\p{N}])`, "gu");
    return [...text.matchAll(re)].length;
}

export function escapeRe(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The distinct placeholders of a source, as a strong instruction lists them. */
export function placeholderList(source: string, keep: readonly string[] = []): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const p of extractPlaceholders(source)) if (!seen.has(p.text)) { seen.add(p.text); out.push(p.text); }
    for (const k of keep) if (!seen.has(k)) { seen.add(k); out.push(k); }
    return out;
}
