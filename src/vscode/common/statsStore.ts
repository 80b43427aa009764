import {acceptanceRate, loopShare, Stats, tokensPerSecond, tokensPerStep, speedup, type StatsSnapshot} from "../../core/stats";
import {languageByCode, languageLabel, isLanguageCode} from "../../core/languages";
import {usedMemory, withoutMemory} from "./memoryUse";
import {num, type StatsRow} from "./protocol";

/**
 * What the editor remembers of its generations: per language and drafter, every run's statistics snapshot
 * (the last RECENT of them in full, older ones merged into a total). The router reads recent tokens/s from here,
 * the statistics panel reads rows. Pure: persistence goes through toJSON/fromJSON (the extension keeps it in
 * globalState). Every number comes from src/core/stats.ts. Runs that used the translation memory's drafter are
 * recorded under "<drafter>+tm" (common/memoryUse.ts): rows of their own, each with the same drafter's acceptance
 * without the memory beside it.
 */
export type Task = "translate" | "story" | "inline";

export interface RunRecord {
    task: Task;
    lang: string;
    drafter: string;
    stats: StatsSnapshot;
    at: number;
    /** The loop guard ended it: the model started repeating itself (or the text it was given). */
    looped?: boolean;
}

interface Bucket {
    lang: string;
    drafter: string;
    total: StatsSnapshot;
    runs: number;
    /** Runs the loop guard ended (absent in stores saved before the guard: 0). */
    loops?: number;
    recent: RunRecord[];
}

export const PLAIN = "none";
const RECENT = 12;
/**
 * Tokens each side of a speed-up (the drafter's runs and plain decoding's) must hold before the panel shows it.
 * Measured on this project's 2-core CPU (tools/measure-spread.ts, 36 plain runs of diverse held-out prompts in six
 * languages, 2026-12-05): two pooled sides of T tokens each gave plain/plain tokens/s ratios (5th-95th percentile)
 * of 0.94-1.07 at T = 32, 0.956-1.042 at 64, 0.968-1.032 at 128, 0.978-1.024 at 256. The smallest T within +-5% is
 * 64; twice that is used, for machines noisier than this one (a "speed-up" below it is noise).
 */
export const MIN_SPEEDUP_TOKENS = 128;

export class StatsStore {
    private buckets = new Map<string, Bucket>();

    constructor(public model = "", private readonly recentMax = RECENT) {}

    private static key(lang: string, drafter: string): string { return `${lang}\u0000${drafter}`; }

    /** Adds one finished (or cancelled) generation; runs that produced no token are ignored. */
    record(r: RunRecord): void {
        if (r.stats.tokens === 0 || r.stats.decodeMs <= 0) return;
        const k = StatsStore.key(r.lang, r.drafter);
        let b = this.buckets.get(k);
        if (!b) this.buckets.set(k, b = {lang: r.lang, drafter: r.drafter, total: new Stats().snapshot(), runs: 0, recent: []});
        const t = new Stats();
        t.merge(b.total);
        t.merge(r.stats);
        b.total = t.snapshot();
        b.runs++;
        if (r.looped) b.loops = (b.loops ?? 0) + 1;
        b.recent.push(r);
        if (b.recent.length > this.recentMax) b.recent.shift();
    }

    /** Merged statistics of the recent runs of this language and drafter (undefined if none). */
    recent(lang: string, drafter: string): {runs: number; stats: StatsSnapshot; tokensPerSecond: number} | undefined {
        const b = this.buckets.get(StatsStore.key(lang, drafter));
        if (!b || b.recent.length === 0) return undefined;
        const s = new Stats();
        for (const r of b.recent) s.merge(r.stats);
        const snap = s.snapshot();
        return {runs: b.recent.length, stats: snap, tokensPerSecond: tokensPerSecond(snap)};
    }

    /** When a run of `drafter` for `lang` last happened (0 if never). */
    lastRun(lang: string, drafter: string): number {
        const b = this.buckets.get(StatsStore.key(lang, drafter));
        return b?.recent.at(-1)?.at ?? 0;
    }

    /**
     * Plain decoding of this model: the runs without a drafter in this language, or in any language when this
     * one has none (decoding speed hardly depends on the language).
     */
    baseline(lang: string): StatsSnapshot | undefined {
        const own = this.buckets.get(StatsStore.key(lang, PLAIN));
        if (own) return own.total;
        const s = new Stats();
        let any = false;
        for (const b of this.buckets.values()) if (b.drafter === PLAIN) { s.merge(b.total); any = true; }
        return any ? s.snapshot() : undefined;
    }

    rows(chosen: (lang: string) => string | undefined = () => undefined): StatsRow[] {
        const out: StatsRow[] = [];
        for (const b of this.buckets.values()) {
            const base = this.baseline(b.lang);
            const memory = usedMemory(b.drafter);
            const plainOfIt = memory ? this.buckets.get(StatsStore.key(b.lang, withoutMemory(b.drafter))) : undefined;
            const have = Math.min(b.total.tokens, base?.tokens ?? 0);
            const shown = base !== undefined && have >= MIN_SPEEDUP_TOKENS;
            out.push({
                lang: b.lang,
                langLabel: isLanguageCode(b.lang) ? languageLabel(languageByCode(b.lang)) : b.lang,
                drafter: b.drafter,
                runs: b.runs,
                loops: b.loops ?? 0,
                loopShare: num(loopShare(b.loops ?? 0, b.runs)),
                tokens: b.total.tokens,
                drafted: b.total.drafted,
                acceptanceRate: num(acceptanceRate(b.total)),
                tokensPerStep: num(tokensPerStep(b.total)),
                tokensPerSecond: num(tokensPerSecond(b.total)),
                speedup: shown ? num(speedup(b.total, base)) : null,
                measuring: shown || b.drafter === PLAIN ? null : {have, need: MIN_SPEEDUP_TOKENS},
                history: b.recent.map((r) => num(tokensPerSecond(r.stats)) ?? 0),
                chosen: chosen(b.lang) === b.drafter,
                usedMemory: memory,
                withoutMemory: plainOfIt ? {runs: plainOfIt.runs, acceptanceRate: num(acceptanceRate(plainOfIt.total)), drafted: plainOfIt.total.drafted} : null,
            });
        }
        return out.sort((a, b) => a.lang.localeCompare(b.lang) || a.drafter.localeCompare(b.drafter));
    }

    get size(): number { return this.buckets.size; }

    clear(): void { this.buckets.clear(); }

    toJSON(): {model: string; buckets: Bucket[]} {
        return {model: this.model, buckets: [...this.buckets.values()]};
    }

    static fromJSON(x: unknown, recentMax = RECENT): StatsStore {
        const s = new StatsStore("", recentMax);
        const o = x as {model?: unknown; buckets?: unknown} | undefined;
        if (!o || typeof o !== "object") return s;
        if (typeof o.model === "string") s.model = o.model;
        if (Array.isArray(o.buckets)) {
            for (const b of o.buckets as Bucket[]) {
                if (!b || typeof b.lang !== "string" || typeof b.drafter !== "string" || !validSnapshot(b.total) || !Array.isArray(b.recent)) continue;
                const recent = b.recent.filter((r) => r && validSnapshot(r.stats)).slice(-recentMax);
                s.buckets.set(StatsStore.key(b.lang, b.drafter), {lang: b.lang, drafter: b.drafter, total: b.total, runs: Number(b.runs) || recent.length, loops: Number(b.loops) || 0, recent});
            }
        }
        return s;
    }
}

function validSnapshot(x: unknown): x is StatsSnapshot {
    const s = x as StatsSnapshot;
    return !!s && typeof s === "object" && ["steps", "drafted", "accepted", "tokens", "draftMs", "verifyMs", "decodeMs"].every((k) => typeof (s as unknown as Record<string, unknown>)[k] === "number") &&
        Array.isArray(s.proposedAt) && Array.isArray(s.acceptedAt);
}
