import {hasPlaceholders, wordCount} from "./clean";

/**
 * Story prompts: opening lines for story generation, taken from Wesnoth's campaign catalogues. Those catalogues
 * hold narration and dialogue but also objectives ("Defeat all enemy leaders"), hints, unit names and gameplay
 * notes; this filter keeps the narrative ones: whole sentences of 8-60 words, starting like a sentence and ending
 * with sentence punctuation, with no template variables, and none of the vocabulary of game mechanics.
 *
 * The decision is made on the English source so that it is the same for every language; isNarrativeTarget then
 * checks that a translation is a whole sentence too.
 */
const GAMEPLAY = /\b(units?|somebody else|someone else|turns?|gold|recruit(s|ed|ing)?|recall(s|ed|ing)?|objectives?|scenario|campaign|difficulty|experience|XP|HP|hit ?points|upkeep|income|village(s)? (give|provide)|level[- ]?\d|click|press|menu|save|reload|hint|note|tip|bonus|victory|defeat (all|the)|units? (you|can)|your (units|leader|side)|side \d|toggle|option|settings?|keyboard|mouse|cursor|version|add-?on)\b/i;
const OBJECTIVE_START = /^(Defeat|Move|Kill|Resign|Death of|Turns run out|Survive|Destroy|Capture|Escort|Protect|Hold|Reach|Bring|Get|Take|Find)\b/;

export const PROMPT_MIN_WORDS = 8;
export const PROMPT_MAX_WORDS = 60;

export function isNarrativeEnglish(en: string): boolean {
    const words = wordCount(en);
    if (words < PROMPT_MIN_WORDS || words > PROMPT_MAX_WORDS) return false;
    if (hasPlaceholders(en) || /[|#*_=]|\d/.test(en)) return false;
    if (!/^[“"‘'(]?[A-Z]/.test(en)) return false;
    if (!/[.!?…][”"’')]?$/.test(en)) return false;
    if (OBJECTIVE_START.test(en) || GAMEPLAY.test(en)) return false;
    return true;
}

/** A translation fit to be a prompt: no placeholders, ends like a sentence, length not wildly off the English. */
export function isNarrativeTarget(tgt: string, en: string, noSpaces: boolean): boolean {
    if (hasPlaceholders(tgt) || /[|#*_=]/.test(tgt)) return false;
    if (!/[.!?…。！？؟।]["”’'»」』)）]?$/u.test(tgt)) return false;
    const ratio = [...tgt].length / en.length;
    return ratio >= (noSpaces ? 0.12 : 0.4) && ratio <= 3;
}
