import fs from "node:fs";
import {throwIfCancelled} from "../core/errors";
import {CostCurve} from "../core/policy";
import {repetitionOptions, translationPrompt, type PromptSpec} from "../core/tasks";
import type {Drafter} from "../core/drafter";
import {createLanguageIdentifier} from "../core/langid";
import {readJsonl, corpusPaths} from "../corpus";
import {defaultPolicy, type Engine, type GenerateResult} from "../engine/engine";
import {cascadeOf, withMemory} from "../engine/drafters";
import {renderPrompt} from "../engine/prompt";
import {readCorpusPairs, TranslationMemory, translationRequest, type TmMode} from "../tm";
import type {BenchDrafters} from "./drafters";
import type {BenchRun} from "./run";
import {simulate} from "./simulate";
import {bandOf, TM_BANDS, type TmBand, type TmCaseResult, type TmRevisionResult, type TmRun} from "./tmResults";

/** Held-out story segments with two checkable edits each (a name and a number): the revision scenario's inputs. */
export const REVISIONS: {id: string; edits: [string, string][]}[] = [
    {id: "story-28a1a7ab19c7", edits: [["Delfador", "Zorvath"], ["1 extra", "37 extra"]]},
    {id: "story-3daab85e1fda", edits: [["Delfador", "Zorvath"], ["four days", "62 days"]]},
    {id: "story-24840ae84680", edits: [["Kaylan", "Merevan"], ["fifty men", "48 men"]]},
    {id: "story-ee7b982adfde", edits: [["Sulla", "Tharion"], ["turn 4", "turn 37"]]},
    {id: "story-9c1e6699ae13", edits: [["Konrad", "Merevan"], ["a year", "29 years"]]},
    {id: "story-d8c55d8f57f1", edits: [["Malifor", "Zorvath"], ["originally prisoners", "originally 48 prisoners"]]},
    {id: "story-c903769354a8", edits: [["Delfador", "Merevan"], ["your allies", "your 37 allies"]]},
    {id: "story-71847fefaa99", edits: [["Kalenz", "Tharion"], ["a different direction", "62 different directions"]]},
];

/**
 * The translation-memory dimension of the benchmark: for every language, held-out segments chosen per match band
 * (up to `perBand` each) are translated plain, with the memory's examples, and (live languages) with the memory
 * as draft source, interleaved per case; every case's draft mode is also replayed on plain's output. Then the
 * revision scenario on the revision languages. Emits "tm" and "tm-revision" records; the report aggregates them
 * (chrF and speed-ups per band and mode, src/bench/tmReport.ts).
 */
export async function tmStage(run: BenchRun, bd: BenchDrafters, curve: CostCurve, o: {perBand: number; liveLangs: string[]; revisionLangs: string[]; maxTokens: number}): Promise<void> {
    const {engine, ui} = run;
    const langId = createLanguageIdentifier();
    await langId.ready();
    for (const lang of run.o.langs) {
        const memory = TranslationMemory.fromSegments({src: "en", tgt: lang}, []);
        memory.add((await readCorpusPairs(lang, {cancel: run.cancel})).segments);
        const cases = pickCases(lang, memory, o.perBand);
        if (!cases.length) { ui.log(`tm ${lang}: no held-out segments`); continue; }
        const ngram = bd.drafter(bd.file(`mono|${lang}`));
        const bar = ui.progress(`tm ${lang}`, cases.length, " cases");
        const before = new PreviousRequests(lang);
        for (const [i, c] of cases.entries()) {
            throwIfCancelled(run.cancel);
            const plainPrompt = translationPrompt(c.src, lang);
            const ex = translationRequest(c.src, lang, engine.model, {memory, mode: "examples"});
            const dr = translationRequest(c.src, lang, engine.model, {memory, mode: "draft"});
            type Name = "plain" | "examples" | "draft";
            const jobs: [Name, () => Promise<Timed>][] = [["plain", () => timed(engine, plainPrompt, undefined, "translate-plain", o.maxTokens, before.next("plain", plainPrompt))]];
            if (ex.matches.length) jobs.push(["examples", () => timed(engine, ex.prompt, withMemory(ex.drafter, cascadeOf({ngram})), ex.profile, o.maxTokens, before.next("examples", ex.prompt))]);
            if (dr.drafter && o.liveLangs.includes(lang)) jobs.push(["draft", () => timed(engine, dr.prompt, withMemory(dr.drafter, cascadeOf({ngram})), dr.profile, o.maxTokens, before.next("draft", dr.prompt))]);
            if (i % 2) jobs.reverse(); // alternate the order, so that no condition always runs first
            const runs: Partial<Record<Name, Timed>> = {};
            for (const [name, job] of jobs) {
                const t = runs[name] = await job();
                t.run.identified = langId.supports(lang) ? langId.identify(t.run.text)?.code : undefined;
            }
            const plain = runs.plain!;
            const replay = await replayDraft(engine, plainPrompt, plain.result, dr.drafter ? withMemory(dr.drafter, cascadeOf({ngram})) : undefined, curve, lang);
            run.emit({kind: "tm", lang, id: c.id, domain: c.domain, band: bandOf(c.score), score: c.score, reference: c.ref,
                plain: plain.run, examples: runs.examples?.run, draft: runs.draft?.run, draftReplay: replay} satisfies TmCaseResult);
            bar.update(i + 1, cases.length, `${bandOf(c.score)}`);
        }
        bar.done(`tm ${lang}: ${cases.length} cases`);
    }
    for (const lang of o.revisionLangs) await revisionStage(run, lang, o.maxTokens);
}

/** Up to `perBand` held-out segments (8+ words; story and technical alternately) per match band. */
export function pickCases(lang: string, memory: TranslationMemory, perBand: number): {id: string; src: string; ref: string; domain: string; score?: number}[] {
    const p = corpusPaths(lang);
    const sets = [["story", p.testStory], ["tech", p.testTech]].filter(([, f]) => fs.existsSync(f))
        .map(([domain, f]) => readJsonl<{id: string; src: string; ref: string}>(f).filter((r) => r.src.split(/\s+/).length >= 8).slice(0, 400).map((r) => ({...r, domain})));
    const taken = new Map<TmBand, number>();
    const out: {id: string; src: string; ref: string; domain: string; score?: number}[] = [];
    for (let i = 0; out.length < perBand * TM_BANDS.length && sets.some((s) => i < s.length); i++) {
        for (const s of sets) {
            const r = s[i];
            if (!r) continue;
            const score = memory.search(r.src, {k: 1, minScore: 0.5})[0]?.score;
            const band = bandOf(score);
            if ((taken.get(band) ?? 0) >= perBand) continue;
            taken.set(band, (taken.get(band) ?? 0) + 1);
            out.push({...r, score});
        }
    }
    return out;
}

export interface Timed { run: TmRun; result: GenerateResult }

/**
 * One greedy generation, timed end to end: plain decoding without a drafter, else the cost-aware policy of `profile`.
 * `before` runs first, untimed (one token): the request a user made before this one, so that the KV cache holds
 * what it would then (PreviousRequests), never another condition's prompt for the same text, whose prefix the
 * timed request would reuse for free.
 */
export async function timed(engine: Engine, prompt: PromptSpec, drafter: Drafter | undefined, profile: string, maxTokens: number, before?: PromptSpec): Promise<Timed> {
    if (before) await engine.generate(before, undefined, {maxTokens: 1, k: 0, adaptive: false, repetition: false});
    const t0 = performance.now();
    const repetition = repetitionOptions("translate");
    const r = await engine.generate(prompt, drafter, drafter ? {maxTokens, k: 8, profile, repetition} : {maxTokens, k: 0, adaptive: false, profile, repetition});
    return {result: r, run: {text: r.text, tokens: r.tokens.length, decodeMs: r.stats.decodeMs, totalMs: performance.now() - t0, promptTokens: r.promptTokens,
        accepted: r.stats.accepted, drafted: r.stats.drafted}};
}

/**
 * The request each condition's timed request follows: the same condition's request for the previous text (a user
 * translates text after text in one mode: the system text, the instruction and, with examples, the examples'
 * header are cached, the text is not), and for the first text a plain request for an unrelated one.
 */
export class PreviousRequests {
    private readonly last = new Map<string, PromptSpec>();
    constructor(private readonly lang: string) {}
    next(condition: string, prompt: PromptSpec): PromptSpec {
        const before = this.last.get(condition) ?? translationPrompt("The weather was fine, so we walked to the harbour.", this.lang);
        this.last.set(condition, prompt);
        return before;
    }
}

/** The draft mode replayed on plain's own output (greedy: the same output), decisions by the product's policy. */
async function replayDraft(engine: Engine, prompt: PromptSpec, plain: GenerateResult, drafter: Drafter | undefined, curve: CostCurve, lang: string): Promise<TmCaseResult["draftReplay"]> {
    // everything the target emitted (a run the loop guard stopped kept a prefix), replayed with the same guard
    const output = [...plain.tokens, ...(plain.repetition?.cut ?? [])];
    const rec = {prompt: await renderPrompt(engine.model, prompt), output, stopToken: plain.stopToken, maxTokens: plain.finish === "length" ? output.length : output.length + 8};
    const guard = repetitionOptions("translate");
    const s = (await simulate(rec, drafter, defaultPolicy(curve, 8, `translate:${lang}:tm-draft`), curve, undefined, guard)).snapshot();
    const p = (await simulate(rec, undefined, defaultPolicy(curve, 8, `translate:${lang}`), curve, undefined, guard)).snapshot();
    return {steps: s.steps, drafted: s.drafted, accepted: s.accepted, decodeMs: s.decodeMs, plainDecodeMs: p.decodeMs};
}

/**
 * The revision scenario in one language: each revision text is translated plainly (that translation is the
 * history), its source changed in two checkable words, and translated again: plain, with the history as draft
 * source, with the history as examples. Which changes reach the output, and how long each took.
 */
async function revisionStage(run: BenchRun, lang: string, maxTokens: number): Promise<void> {
    const {engine, ui} = run;
    const byId = new Map(readJsonl<{id: string; src: string}>(corpusPaths("de").testStory).map((r) => [r.id, r]));
    const bar = ui.progress(`revision ${lang}`, REVISIONS.length, " texts");
    const before = new PreviousRequests(lang);
    for (const [i, rev] of REVISIONS.entries()) {
        const seg = byId.get(rev.id);
        if (!seg) continue;
        let changed = seg.src;
        for (const [from, to] of rev.edits) changed = changed.replace(from, to);
        const checks = rev.edits.map(([, to]) => /\d+/.exec(to)?.[0] ?? to);
        const earlier = await engine.generate(translationPrompt(seg.src, lang), undefined, {maxTokens, k: 0, adaptive: false});
        const history = TranslationMemory.fromSegments({src: "en", tgt: lang}, []);
        history.addHistory(seg.src, earlier.text.trim());
        const runs = {} as TmRevisionResult["runs"];
        const modes: ("plain" | TmMode)[] = i % 2 ? ["examples", "draft", "plain"] : ["plain", "draft", "examples"];
        for (const m of modes) {
            const req = m === "plain" ? translationRequest(changed, lang, engine.model) : translationRequest(changed, lang, engine.model, {memory: history, mode: m});
            const {run: r} = await timed(engine, req.prompt, m === "plain" ? undefined : withMemory(req.drafter, cascadeOf()), m === "plain" ? "revision-plain" : req.profile, maxTokens, before.next(m, req.prompt));
            runs[m] = {...r, kept: checks.filter((c) => r.text.includes(c)).length};
        }
        run.emit({kind: "tm-revision", lang, id: rev.id, checks, runs} satisfies TmRevisionResult);
        bar.update(i + 1, REVISIONS.length, rev.id);
    }
    bar.done(`revision ${lang}: ${REVISIONS.length} texts`);
}
