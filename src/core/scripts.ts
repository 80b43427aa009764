import * as OpenCC from "opencc-js";
import {scriptVariants, type ScriptTag} from "./languages";

/**
 * Which script a text of a language written in more than one script is in (src/core/languages.ts: Serbian in
 * Cyrillic or Latin, Chinese in Simplified or Traditional characters).
 * - Cyrillic / Latin: the letters of each script are counted.
 * - Simplified / Traditional Chinese: a character that OpenCC (npm opencc-js, the Open Chinese Convert tables)
 *   changes when it converts Traditional to Simplified is Traditional only, one it changes the other way Simplified
 *   only; the rest are shared. Measured on 300 Wesnoth segments of each (zh_TW, zh_CN): 297 of 300 Traditional and
 *   300 of 300 Simplified segments told apart, the other 3 holding no character of either kind.
 * Pure (the conversion tables are data), so the editor and the benchmark share it.
 */
export interface ScriptCount {
    /** The script most of the distinguishing characters are in. */
    tag: ScriptTag;
    /** Its share of the distinguishing characters (0..1), and how many there were. */
    share: number;
    evidence: number;
}

let converters: {toSimplified: (s: string) => string; toTraditional: (s: string) => string} | undefined;
const han = () => converters ??= {toSimplified: OpenCC.Converter({from: "t", to: "cn"}), toTraditional: OpenCC.Converter({from: "cn", to: "t"})};

/** Counts per script tag of the characters that tell the scripts of `tags` apart. */
function counts(text: string, tags: readonly ScriptTag[]): Map<ScriptTag, number> {
    const c = new Map<ScriptTag, number>(tags.map((t) => [t, 0]));
    if (tags.includes("Cyrl") || tags.includes("Latn")) {
        c.set("Cyrl", text.match(/\p{Script=Cyrillic}/gu)?.length ?? 0);
        c.set("Latn", text.match(/\p{Script=Latin}/gu)?.length ?? 0);
    }
    if (tags.includes("Hans") || tags.includes("Hant")) {
        const {toSimplified, toTraditional} = han();
        let hans = 0, hant = 0;
        for (const ch of text.match(/\p{Script=Han}/gu) ?? []) {
            if (toSimplified(ch) !== ch) hant++;
            if (toTraditional(ch) !== ch) hans++;
        }
        c.set("Hans", hans);
        c.set("Hant", hant);
    }
    return c;
}

/**
 * The script of `text` among the scripts `base` is written in ("sr": Cyrl / Latn; "zh": Hans / Hant), or undefined
 * when the language has one script or the text holds no character that tells them apart.
 */
export function scriptOf(text: string, base: string): ScriptCount | undefined {
    const tags = scriptVariants(base).flatMap((l) => l.scriptTag ? [l.scriptTag] : []);
    if (tags.length < 2) return undefined;
    const c = counts(text, tags);
    const evidence = tags.reduce((s, t) => s + (c.get(t) ?? 0), 0);
    if (evidence === 0) return undefined;
    const tag = tags.reduce((a, b) => (c.get(b) ?? 0) > (c.get(a) ?? 0) ? b : a);
    return {tag, share: (c.get(tag) ?? 0) / evidence, evidence};
}
