import {LANGUAGES, languageLabel, type Language} from "../../core/languages";

/** Pure text helpers of the editor commands (no vscode). */

/** Recently used target languages first (most recent first, valid codes only), then the rest in table order. */
export function orderLanguages(recent: readonly string[], all: readonly Language[] = LANGUAGES): Language[] {
    const seen = new Set<string>();
    const out: Language[] = [];
    for (const code of recent) {
        const l = all.find((x) => x.code === code);
        if (l && !seen.has(code)) { seen.add(code); out.push(l); }
    }
    for (const l of all) if (!seen.has(l.code)) out.push(l);
    return out;
}

/** Quick-pick items: label = English name, description = native name (both searchable), detail-free. */
export function languagePickItems(recent: readonly string[], recentLabel: string): {label: string; description: string; code: string; recent: boolean}[] {
    const r = new Set(recent);
    return orderLanguages(recent).map((l) => ({
        label: l.name,
        description: (l.native !== l.name ? l.native : "") + (r.has(l.code) ? (l.native !== l.name ? " · " : "") + recentLabel : ""),
        code: l.code,
        recent: r.has(l.code),
    }));
}

export function pushRecent(recent: readonly string[], code: string, max = 6): string[] {
    return [code, ...recent.filter((c) => c !== code)].slice(0, max);
}

/**
 * Story context: the last `maxChars` characters before the cursor, starting at a paragraph or sentence boundary.
 * Leading whitespace goes; a blank line at the end stays (the writer wants a new paragraph: storyPrompt keeps it),
 * other trailing whitespace goes.
 */
export function storyContext(before: string, maxChars = 1500): string {
    const tidy = (t: string) => (/\n[ \t]*\n\s*$/.test(t) ? `${t.trimEnd()}\n\n` : t.trimEnd()).replace(/^\s+/, "");
    if (before.length <= maxChars) return tidy(before);
    const cut = before.slice(before.length - maxChars);
    const para = cut.indexOf("\n\n");
    if (para >= 0 && para < maxChars / 2) return tidy(cut.slice(para + 2));
    const sent = cut.search(/[.!?。！？]\s/u);
    if (sent >= 0 && sent < maxChars / 2) return tidy(cut.slice(sent + 1));
    return tidy(cut);
}

/** Stop condition of Continue Story: a paragraph ended (a blank line after some text). */
export function paragraphEnded(text: string): boolean {
    return /\S[^\n]*\n\s*\n/.test(text);
}

/** Stop condition of an inline suggestion: the first line is complete. */
export function lineEnded(text: string): boolean {
    return /\S[^\n]*\n/.test(text);
}

/**
 * A generation's final text: a stream cut off by Cancel can end inside a multi-byte character, which detokenizes
 * to U+FFFD; that tail is dropped (the streamed text never showed it).
 */
export function dropBrokenTail(text: string): string {
    return text.replace(/\uFFFD+$/u, "");
}

/**
 * Trims a continuation to its first paragraph (or line, for inline suggestions) and trailing whitespace. A
 * paragraph cut off by the token limit ends at its last complete sentence, when it has one.
 */
export function trimContinuation(text: string, unit: "paragraph" | "line"): string {
    const body = text.replace(/^\n+/, "");
    const end = unit === "paragraph" ? body.search(/\n\s*\n/) : body.indexOf("\n");
    if (end >= 0) return body.slice(0, end).replace(/\s+$/, "");
    if (unit === "paragraph") {
        // Latin sentence ends are followed by a space; CJK ones (。！？) are not
        const sentences = [...body.matchAll(/[.!?…]["”’'»」』)）]?(?=\s|$)|[。！？]["”’'»」』)）]?/gu)];
        const last = sentences.at(-1);
        if (last && last.index !== undefined) return body.slice(0, last.index + last[0].length);
    }
    return body.replace(/\s+$/, "");
}

/**
 * Joins a generated continuation to the text before the cursor: adds a space between words of space-separated
 * languages, none for Chinese and Japanese, and drops a repetition of the context's last sentence that
 * instruction models sometimes echo.
 */
export function joinContinuation(before: string, generated: string, noSpaces: boolean): string {
    let g = stripEcho(before, generated);
    if (!g) return g;
    const last = before.slice(-1);
    if (noSpaces) return g.replace(/^[ \t]+/, "");
    if (before.length === 0 || /\s/.test(last)) return g.replace(/^[ \t]+/, "");
    if (/^[\s.,;:!?)\]}”’»]/u.test(g)) return g;
    return " " + g;
}

/** Removes a leading echo of the end of `before` (its last sentence, 12+ characters) from `generated`. */
export function stripEcho(before: string, generated: string): string {
    const g = generated.replace(/^\s+/, "");
    const tail = before.trim().split(/(?<=[.!?。！？])\s*/u).filter(Boolean).at(-1) ?? "";
    if (tail.length >= 12 && g.startsWith(tail)) return g.slice(tail.length);
    return generated;
}

/** Output budget of a translation: about 3 tokens per input token (scripts differ) plus room, capped. */
export function translationBudget(inputTokens: number, cap: number): number {
    return Math.max(16, Math.min(cap, Math.ceil(inputTokens * 3) + 32));
}

/** Text of a translation inserted below the selection: on its own line(s) after the selection's last line. */
export function belowInsertion(lineText: string, translation: string): string {
    return (lineText.length > 0 ? "\n" : "") + translation;
}

export {languageLabel};
