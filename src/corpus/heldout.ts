import fs from "node:fs";
import path from "node:path";
import {hasPlaceholders, isTextSegment, wordCount} from "./clean";
import {normKey} from "./decontaminate";
import {helpParagraphs, helpTextDir, HtmlFormatError, LIBREOFFICE_EN} from "./libreoffice";
import {isNarrativeEnglish} from "./prompts";
import {firstByHash, hasher} from "./split";
import {readWesnothLocale, WESNOTH_CAMPAIGNS, WESNOTH_VERSION, type Pair} from "./wesnoth";

/**
 * Which English segments are held out, decided once for all languages.
 *
 * Story (Wesnoth): for every locale the Wesnoth packages carry (all of them, not only the ones being built, so that
 * adding a language changes nothing), the first STORY_TEST_PER_LOCALE eligible story segments by hash are held out
 * as test segments, and the first PROMPTS_PER_LOCALE narrative campaign lines by another hash as story prompts. The
 * union is held out in every language. Big locales pick the same first segments (the sets are aligned); small
 * locales add the first ones they have, so a locale with few translations still gets a test set.
 *
 * Technical (LibreOffice help): an English paragraph is held out when its hash is below TECH_TEST_FRACTION.
 *
 * An English segment's fate depends on the seed, the package contents and the segment only.
 */
export const STORY_TEST_PER_LOCALE = 150;
export const PROMPTS_PER_LOCALE = 60;
export const TECH_TEST_FRACTION = 0.07;
export const MIN_TEST_WORDS = 4;

export interface HeldOutLimits {
    storyTestPerLocale: number;
    promptsPerLocale: number;
    techTestFraction: number;
}

export const DEFAULT_LIMITS: HeldOutLimits = {
    storyTestPerLocale: STORY_TEST_PER_LOCALE,
    promptsPerLocale: PROMPTS_PER_LOCALE,
    techTestFraction: TECH_TEST_FRACTION,
};

/** Wesnoth textdomains that are story-world text (campaigns, tutorial, unit lore, multiplayer scenarios). */
export function isStoryDomain(domain: string): boolean {
    return isCampaignDomain(domain) || ["wesnoth-tutorial", "wesnoth-units", "wesnoth-multiplayer", "wesnoth-anl", "wesnoth-wc"].includes(domain);
}

export function isCampaignDomain(domain: string): boolean {
    return domain.startsWith("wesnoth-") && WESNOTH_CAMPAIGNS.includes(domain.slice("wesnoth-".length));
}

/** Whether a target locale writes without spaces (Chinese, Japanese), by its locale id. */
export function localeNoSpaces(locale: string): boolean {
    return /^(zh|ja)\b/.test(locale) || /^(zh|ja)[_-]/.test(locale);
}

/** A pair fit for a test set: a real sentence-ish English source of 4+ words, no template leftovers. */
export function isTestPair(p: Pair, noSpaces: boolean): boolean {
    return wordCount(p.en) >= MIN_TEST_WORDS && !hasPlaceholders(p.en) && !hasPlaceholders(p.tgt) &&
        isTextSegment(p.en, false) && isTextSegment(p.tgt, noSpaces);
}

export function isPromptCandidate(p: Pair): boolean {
    return isCampaignDomain(p.origin) && isNarrativeEnglish(p.en);
}

export interface HeldOutEnglish {
    /** normKeys of English story test segments. */
    storyTest: Set<string>;
    /** normKeys of English story prompts. */
    storyPrompt: Set<string>;
    /** normKeys of English technical test segments. */
    techTest: Set<string>;
    /** English prompt texts (key -> text), for the English prompt file. */
    promptText: Map<string, string>;
    /** Locales the story decision was taken over. */
    locales: string[];
}

export function wesnothLocales(roots: string[]): string[] {
    const set = new Set<string>();
    for (const r of roots) {
        const d = path.join(r, "usr/share/games/wesnoth", WESNOTH_VERSION, "locale");
        if (fs.existsSync(d)) for (const l of fs.readdirSync(d)) set.add(l);
    }
    return [...set].sort();
}

/**
 * Decides the held-out English segments. `wesnothRoots` are the extracted Wesnoth packages, `loEnRoot` the
 * extracted English LibreOffice help (either may be empty). `onEnglish` receives every English string seen, for
 * the English corpus.
 */
export function decideHeldOut(seed: string, wesnothRoots: string[], loEnRoot: string | undefined, onEnglish?: (en: string, source: "wesnoth" | "libreoffice") => void, limits: HeldOutLimits = DEFAULT_LIMITS): HeldOutEnglish {
    const uTest = hasher(seed, "story-test"), uPrompt = hasher(seed, "story-prompt"), uTech = hasher(seed, "tech-test");
    const locales = wesnothLocales(wesnothRoots);
    const storyTest = new Set<string>(), storyPrompt = new Set<string>();
    const promptText = new Map<string, string>();
    const perLocale: Pair[][] = [];
    for (const loc of locales) {
        const pairs = wesnothRoots.flatMap((r) => readWesnothLocale(r, loc).pairs);
        if (onEnglish) for (const p of pairs) onEnglish(p.en, "wesnoth");
        const story = pairs.filter((p) => isStoryDomain(p.origin));
        perLocale.push(story);
        const noSpaces = localeNoSpaces(loc);
        for (const p of firstByHash(story.filter((q) => isTestPair(q, noSpaces)), (q) => q.en, uTest, limits.storyTestPerLocale)) storyTest.add(normKey(p.en));
    }
    for (const story of perLocale) {
        const cands = story.filter((p) => isPromptCandidate(p) && !storyTest.has(normKey(p.en)));
        for (const p of firstByHash(cands, (q) => q.en, uPrompt, limits.promptsPerLocale)) {
            const k = normKey(p.en);
            storyPrompt.add(k);
            if (!promptText.has(k)) promptText.set(k, p.en);
        }
    }
    const techTest = new Set<string>();
    if (loEnRoot) {
        for (const en of englishHelpParagraphs(loEnRoot)) {
            onEnglish?.(en, "libreoffice");
            if (wordCount(en) >= MIN_TEST_WORDS && !hasPlaceholders(en) && uTech(en) < limits.techTestFraction) techTest.add(normKey(en));
        }
    }
    return {storyTest, storyPrompt, techTest, promptText, locales};
}

/** Every English help paragraph, in file order (malformed pages skipped). */
export function englishHelpParagraphs(root: string): string[] {
    const out: string[] = [];
    const dir = helpTextDir(root, LIBREOFFICE_EN);
    const walk = (d: string) => {
        if (!fs.existsSync(d)) return;
        for (const e of fs.readdirSync(d, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith(".html")) {
                try {
                    for (const t of helpParagraphs(fs.readFileSync(p)).values()) if (t) out.push(t);
                } catch (err) {
                    if (!(err instanceof HtmlFormatError)) throw err;
                }
            }
        }
    };
    walk(dir);
    return out;
}
