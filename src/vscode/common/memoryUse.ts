/**
 * How the editor names and describes a translation's use of the translation memory (pure).
 *
 * Statistics label: a run whose drafter had the memory's drafter ahead of it is recorded as "<route label>+tm"
 * ("cascade+tm", "none+tm" = the TM drafter alone), so the statistics panel shows acceptance with and without the
 * memory side by side, and the router (which compares its candidates' own labels) never mixes the two.
 */
import type {TmMatch} from "../../tm/memory";

export const TM_SUFFIX = "+tm";

/** The statistics label of a run: the route's, with "+tm" when the memory drafted too. */
export function runLabel(routeLabel: string, usedMemory: boolean): string {
    return usedMemory && !routeLabel.endsWith(TM_SUFFIX) ? routeLabel + TM_SUFFIX : routeLabel;
}

/** Whether a statistics label is of runs that used the memory. */
export const usedMemory = (label: string): boolean => label.endsWith(TM_SUFFIX);

/** The label of the same drafter without the memory ("cascade+tm" -> "cascade"). */
export const withoutMemory = (label: string): string => usedMemory(label) ? label.slice(0, -TM_SUFFIX.length) : label;

export type Translate = (message: string, ...args: (string | number)[]) => string;

/** Similarity as a whole percentage, never rounded up to 100% unless the sources are equal. */
export const matchPercent = (score: number): number => score >= 1 ? 100 : Math.min(99, Math.round(score * 100));

/** What a translation used: "2 TM matches: 83%, 71%", "1 TM match: 90%", or "no TM match" (localized by `t`). */
export function describeMatches(matches: readonly Pick<TmMatch, "score">[], t: Translate): string {
    if (matches.length === 0) return t("no TM match");
    const scores = matches.map((m) => `${matchPercent(m.score)}%`).join(", ");
    return matches.length === 1 ? t("1 TM match: {0}", scores) : t("{0} TM matches: {1}", matches.length, scores);
}
