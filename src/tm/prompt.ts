/**
 * Translation prompts with translation-memory examples. Pure: returns the PromptSpec of src/core/tasks.ts.
 *
 * - With no match at or above the threshold, the prompt IS translationPrompt(text, lang), byte for byte.
 * - Otherwise the system message stays first and unchanged (its KV cache is reused across requests), and the user
 *   message gives the best <= 2 matches as examples, each with the differences between its source and the new
 *   text spelled out word by word, so the model takes the memory's terminology without copying its stale parts;
 *   then today's instruction and the text, unchanged.
 *
 * Wording chosen by measurement (faithfulness and chrF: docs/tm.md).
 */
import {languageByCode} from "../core/languages";
import {translationPrompt, type ChatMessage, type PromptSpec} from "../core/tasks";
import type {TmMatch} from "./memory";
import {wordChanges, type Change} from "./similarity";

export interface TmPromptOptions {
    /** Matches below this score are not used (default TM_PROMPT_MIN_SCORE). */
    minScore?: number;
    /** Examples at most (default 2). */
    maxExamples?: number;
    /** Differences listed per example at most (default 8; the rest are counted). */
    maxChanges?: number;
    /** Compare by characters (source language written without spaces). */
    noSpaces?: boolean;
    /**
     * Adapt the examples' translations to the new text's placeables (default true): where a changed word is a
     * number, a name or a placeholder that the example's translation contains verbatim, the example shows the new
     * one (as CAT tools substitute placeables in fuzzy matches), so copying the example cannot bring back the old.
     */
    adaptPlaceables?: boolean;
    /**
     * "inline" (default): the examples in the one user message before today's request; "turns": each example as an
     * earlier request (user) and its translation (assistant), then the differences and today's request.
     */
    layout?: "inline" | "turns";
}

/** Default threshold for examples in the prompt. */
export const TM_PROMPT_MIN_SCORE = 0.6;

export interface TmPrompt {
    prompt: PromptSpec;
    /** The matches used as examples (empty: the prompt is the plain translation prompt). */
    used: TmMatch[];
}

/** The translation prompt for `text` into `lang`, with the usable matches as examples. */
export function tmTranslationPrompt(text: string, lang: string, matches: readonly TmMatch[], o: TmPromptOptions = {}): TmPrompt {
    const plain = translationPrompt(text, lang);
    const min = o.minScore ?? TM_PROMPT_MIN_SCORE;
    const used = matches.filter((m) => m.score >= min).slice(0, o.maxExamples ?? 2);
    if (used.length === 0 || !("messages" in plain)) return {prompt: plain, used: []};
    const [system, user] = plain.messages;
    const tgtName = languageByCode(lang).name;
    const srcName = languageByCode(used[0].segment.srcLang).name;
    const parts: string[] = [
        `Earlier ${tgtName} translations of similar ${srcName} texts, from the translation memory. Use their wording and terms where the new text says the same; where it says something different, translate what the new text says.`,
    ];
    const keep = new Set<string>();
    used.forEach((m, i) => {
        const changes = wordChanges(m.segment.source, text, o.noSpaces);
        for (const w of newPlaceables(changes, m.segment.target)) keep.add(w);
        const adapted = o.adaptPlaceables === false ? undefined : adaptPlaceables(m.segment.target, changes, text);
        parts.push([
            `Example ${i + 1} (${Math.round(m.score * 100)}% similar)`,
            `${srcName}: ${m.segment.source}`,
            adapted ? `${tgtName}, with the new text's ${adapted.what}: ${adapted.target}` : `${tgtName}: ${m.segment.target}`,
            describeChanges(changes, o.maxChanges ?? 8, o.noSpaces),
        ].join("\n"));
    });
    // today's request; where the new text brings new names, numbers or placeholders, the instruction names them
    const cut = user.content.indexOf("\n\n");
    const request = keep.size && cut > 0
        ? `${user.content.slice(0, cut)} Keep the new text's ${[...keep].map((w) => `"${w}"`).join(", ")} in the translation.${user.content.slice(cut)}`
        : user.content;
    if (o.layout === "turns") {
        const cutAt = cut > 0 ? cut : user.content.length;
        const ask = (t: string) => `${user.content.slice(0, cutAt)}\n\n${t}`;
        const messages: ChatMessage[] = [system];
        const notes: string[] = [];
        [...used].reverse().forEach((m) => { // the best example last, nearest to the request
            const changes = wordChanges(m.segment.source, text, o.noSpaces);
            const adapted = o.adaptPlaceables === false ? undefined : adaptPlaceables(m.segment.target, changes, text);
            // an adapted example is adapted on both sides, so the turn stays a faithful pair
            const source = adapted ? adaptPlaceables(m.segment.source, changes, text)?.target ?? m.segment.source : m.segment.source;
            messages.push({role: "user", content: ask(source)}, {role: "assistant", content: adapted?.target ?? m.segment.target});
            const left = wordChanges(source, text, o.noSpaces);
            if (left.length) notes.unshift(describeChanges(left, o.maxChanges ?? 8, o.noSpaces).replace("this example", "the earlier text"));
        });
        messages.push({role: "user", content: notes.length ? `${notes.join("\n")} Translate the new text itself, not the earlier one.\n\n${request}` : request});
        return {prompt: {messages}, used};
    }
    const messages: ChatMessage[] = [system, {role: "user", content: `${parts.join("\n\n")}\n\n${request}`}];
    return {prompt: {messages}, used};
}

/**
 * "The new text differs from this example: "Bob" is now "Alice"; "your allies" is now "your 37 allies"; "very old" is
 * now "old"." An added or left-out word is shown with the unchanged words around it, so that the reader sees where it
 * goes.
 */
export function describeChanges(changes: readonly Change[], max = 8, noSpaces = false): string {
    if (changes.length === 0) return "The new text has the same words as this example.";
    const sep = noSpaces ? "" : " ";
    const join = (...w: (string | undefined)[]) => w.filter((x) => x).join(sep);
    const shown = changes.slice(0, max).map((c) => {
        if (c.was && c.now) return `"${c.was}" is now "${c.now}"`;
        if (c.before === undefined && c.after === undefined) return c.was ? `it leaves out "${c.was}"` : `it adds "${c.now}"`;
        return `"${join(c.before, c.was, c.after)}" is now "${join(c.before, c.now, c.after)}"`;
    });
    const more = changes.length > max ? `; and ${changes.length - max} more difference(s)` : "";
    return `The new text differs from this example: ${shown.join("; ")}${more}.`;
}

/**
 * The new text's placeables among the changed words: numbers and placeholders always; a capitalised word (a name)
 * only where it replaces one word that the example's translation carries verbatim (evidence that it is a name, not
 * a sentence's first word).
 */
function newPlaceables(changes: readonly Change[], exampleTarget: string): string[] {
    const out: string[] = [];
    for (const c of changes) {
        for (const w of c.now.split(/\s+/).filter(Boolean)) {
            if (/^\d+(?:[.,]\d+)*$|^\{[^{}\s]+\}$|^%(?:\d+\$)?[sd@]$/.test(w)) out.push(w);
            else if (/^\p{Lu}/u.test(w) && PLACEABLE.test(w) && c.was && !/\s/.test(c.was) && !/\s/.test(c.now) && wholeWord(c.was).test(exampleTarget)) out.push(w);
        }
    }
    return out;
}

function wholeWord(w: string): RegExp {
    return new RegExp(`(?<![\\p{L}\\p{N}])${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`, "gu");
}

/** A number, a placeholder or markup token, or a capitalised word (a name): what a translation carries over verbatim. */
const PLACEABLE = /^(?:\d+(?:[.,]\d+)*|\p{Lu}[\p{L}\p{M}'’-]*|\{[^{}\s]+\}|%(?:\d+\$)?[sd@]|<[^<>]+>)$/u;

/**
 * The example's translation with each changed placeable replaced: a change of one placeable into one placeable
 * (`"Bob" is now "Alice"`, `"5" is now "7"`) whose old form occurs in the translation as a whole word and no longer in
 * the new text (`newText`; a name changed in one place of two is left alone). Undefined when nothing was replaced. `what` names what was replaced ("names and numbers").
 */
export function adaptPlaceables(target: string, changes: readonly Change[], newText?: string): {target: string; what: string} | undefined {
    let out = target;
    const kinds = new Set<string>();
    for (const c of changes) {
        if (!c.was || !c.now || /\s/.test(c.was) || /\s/.test(c.now) || !PLACEABLE.test(c.was) || !PLACEABLE.test(c.now)) continue;
        if (newText !== undefined && wholeWord(c.was).test(newText)) continue; // still in the new text elsewhere: which one changed is unknown
        const re = wholeWord(c.was);
        if (!re.test(out)) continue;
        out = out.replace(re, c.now);
        kinds.add(/^\d/.test(c.now) ? "numbers" : /^\p{Lu}/u.test(c.now) ? "names" : "placeholders");
    }
    if (out === target) return undefined;
    const list = [...kinds].sort();
    return {target: out, what: list.length > 1 ? `${list.slice(0, -1).join(", ")} and ${list.at(-1)}` : list[0]};
}
