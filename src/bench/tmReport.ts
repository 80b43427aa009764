import {chrF, median, outputLanguageRate} from "../core/stats";
import {barChart} from "./svg";
import {markdownTable} from "./table";
import {TM_BANDS, type TmCaseResult, type TmRevisionResult, type TmRun} from "./tmResults";

const f = (x: number | undefined, d = 2) => x !== undefined && Number.isFinite(x) ? x.toFixed(d) : "-";
const pct = (x: number) => Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : "-";
const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
/** Decode speed-up of `runs` against `base`: pooled tokens per decode second (src/core/stats.ts tokensPerSecond, pooled). */
export const decodeSpeedup = (runs: TmRun[], base: TmRun[]) => (sum(runs.map((r) => r.tokens)) / sum(runs.map((r) => r.decodeMs))) / (sum(base.map((r) => r.tokens)) / sum(base.map((r) => r.decodeMs)));
/** Output-language rate over cases of several languages (each case against its own language). */
const inLanguage = (cs: TmCaseResult[], run: (c: TmCaseResult) => TmRun) =>
    outputLanguageRate(cs.map((c) => run(c).identified === undefined ? undefined : run(c).identified === c.lang ? "asked" : "other"), "asked");
/** End-to-end speed-up: the same requests' total wall time, prompt evaluation included (the user waits for all of it). */
export const e2eSpeedup = (runs: TmRun[], base: TmRun[]) => sum(base.map((r) => r.totalMs)) / sum(runs.map((r) => r.totalMs));

/**
 * The translation-memory section of the report: per language and match band, chrF and speed-ups of each mode
 * against plain decoding of today's prompt in the same run, the draft mode's replay on plain's own outputs, the
 * revision scenario, and the targets checked against the numbers.
 */
export function tmSection(records: readonly (TmCaseResult | TmRevisionResult)[]): {md: string[]; charts: {name: string; svg: string}[]} {
    const cases = records.filter((r): r is TmCaseResult => r.kind === "tm");
    const revisions = records.filter((r): r is TmRevisionResult => r.kind === "tm-revision");
    const md: string[] = [];
    const charts: {name: string; svg: string}[] = [];
    if (cases.length) {
        const langs = [...new Set(cases.map((c) => c.lang))];
        const row = (label: string, cs: TmCaseResult[]) => {
            const ex = cs.filter((c) => c.examples);
            const dr = cs.filter((c) => c.draft);
            const replay = (xs: TmCaseResult[]) => sum(xs.map((c) => c.draftReplay.plainDecodeMs)) / sum(xs.map((c) => c.draftReplay.decodeMs));
            return [label, String(cs.length), f(chrF(cs.map((c) => c.plain.text), cs.map((c) => c.reference)), 1),
                ex.length ? f(chrF(ex.map((c) => c.examples!.text), ex.map((c) => c.reference)), 1) : "-",
                `${pct(inLanguage(cs, (c) => c.plain))} / ${ex.length ? pct(inLanguage(ex, (c) => c.examples!)) : "-"}`,
                ex.length ? `${f(decodeSpeedup(ex.map((c) => c.examples!), ex.map((c) => c.plain)))}x / ${f(e2eSpeedup(ex.map((c) => c.examples!), ex.map((c) => c.plain)))}x` : "-",
                `${f(replay(cs))}x`, dr.length ? `${f(decodeSpeedup(dr.map((c) => c.draft!), dr.map((c) => c.plain)))}x / ${f(e2eSpeedup(dr.map((c) => c.draft!), dr.map((c) => c.plain)))}x` : "-"];
        };
        const header = ["", "segments", "chrF plain", "chrF examples", "in the language: plain / examples", "examples: decode / end-to-end", "draft: decode (replay)", "draft live: decode / end-to-end"];
        md.push("## Translation memory", "",
            "Held-out translation segments of every language, chosen per band of their best match among the corpus's training pairs (the memory; the held-out sets are decontaminated of exact duplicates only), " +
            "each translated plainly (today's prompt, plain decoding), with the memory's best matches as examples in the prompt (the cost-aware cascade with the memory's drafter), and with the memory as draft " +
            "source only (today's prompt: the output is plain decoding's, token for token). Speed-ups are against the plain run of the same segment in the same run; end-to-end includes rendering and " +
            "evaluating the prompt (the examples make it longer). The draft mode is replayed on every plain output (acceptance exact, time from the cost curve) and run live on the live languages.", "",
            "### By match band (all languages)", "", markdownTable(header, TM_BANDS.map((b) => row(b, cases.filter((c) => c.band === b))).filter((r) => r[1] !== "0")), "",
            "### By language (segments with a match >= 0.6)", "",
            markdownTable(header, langs.map((l) => row(l, cases.filter((c) => c.lang === l && (c.score ?? 0) >= 0.6))).filter((r) => r[1] !== "0")), "");
        // the targets, against the numbers
        const matched = cases.filter((c) => (c.score ?? 0) >= 0.6 && c.examples);
        const gains = langs.map((l) => {
            const cs = matched.filter((c) => c.lang === l);
            return cs.length ? chrF(cs.map((c) => c.examples!.text), cs.map((c) => c.reference)) - chrF(cs.map((c) => c.plain.text), cs.map((c) => c.reference)) : NaN;
        }).filter(Number.isFinite);
        const none = cases.filter((c) => c.band === "none");
        md.push("### Targets", "", markdownTable(["target", "measured"], [
            ["segments with a match >= 0.6: chrF +15 or more in >= 80% of languages (examples)", `${gains.filter((g) => g >= 15).length} of ${gains.length} languages (median gain ${f(median(gains), 1)})`],
            ["segments with a match >= 0.6: end-to-end >= 1.2x, decode >= 1.4x (examples)", matched.length ? `${f(e2eSpeedup(matched.map((c) => c.examples!), matched.map((c) => c.plain)))}x / ${f(decodeSpeedup(matched.map((c) => c.examples!), matched.map((c) => c.plain)))}x` : "-"],
            ["segments without a match: output identical to today's (prompt byte-identical, no memory drafter)", `${none.length} segments: by construction (tested)`],
            ["over all segments: end-to-end >= 1.05x (draft mode, replayed decode)", `${f(sum(cases.map((c) => c.draftReplay.plainDecodeMs)) / sum(cases.map((c) => c.draftReplay.decodeMs)))}x decode`],
        ]), "");
        charts.push({name: "tm-chrf", svg: barChart("chrF with and without translation-memory examples (segments with a match >= 0.6)", ["plain", "examples"],
            langs.map((l) => {
                const cs = matched.filter((c) => c.lang === l);
                return {label: l, values: cs.length ? [chrF(cs.map((c) => c.plain.text), cs.map((c) => c.reference)), chrF(cs.map((c) => c.examples!.text), cs.map((c) => c.reference))] : [undefined, undefined]};
            }), {yLabel: "chrF"})});
    }
    if (revisions.length) {
        const modes = ["plain", "draft", "examples"] as const;
        md.push("### Revision: a translated text changed in two checkable words (a name, a number), translated again with the history", "",
            markdownTable(["lang", "texts", ...modes.map((m) => `${m}: changes kept`), "draft: end-to-end", "examples: end-to-end"],
                [...new Set(revisions.map((r) => r.lang))].map((l) => {
                    const rs = revisions.filter((r) => r.lang === l);
                    const kept = (m: typeof modes[number]) => `${sum(rs.map((r) => r.runs[m].kept))} of ${sum(rs.map((r) => r.checks.length))}`;
                    return [l, String(rs.length), ...modes.map(kept), `${f(e2eSpeedup(rs.map((r) => r.runs.draft), rs.map((r) => r.runs.plain)))}x`, `${f(e2eSpeedup(rs.map((r) => r.runs.examples), rs.map((r) => r.runs.plain)))}x`];
                })), "");
    }
    return {md, charts};
}
