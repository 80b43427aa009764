/**
 * Every speculation metric, defined once. Counters go in through `recordStep`; everything else is derived here
 * and nowhere else (the CLI, the editor, the benchmark and the webview all read these functions).
 */

/** One draft -> verify round. */
export interface StepRecord {
    /** Draft tokens sent to the target for verification (0 for a plain decode step). */
    proposed: number;
    /** Draft tokens the target accepted (the longest correct prefix). */
    accepted: number;
    /** Tokens this step added to the output: accepted + the target's own token (fewer if generation stopped). */
    emitted: number;
    /** The step's own token was a stop token (it ended the generation and is not in the output). */
    stopped?: boolean;
    /** Wall time spent in the drafter. */
    draftMs: number;
    /** Wall time of the target's batched evaluation (and its roll-back). */
    verifyMs: number;
}

export interface StatsSnapshot {
    steps: number;
    drafted: number;
    accepted: number;
    tokens: number;
    /** Steps whose own token was a stop token (0 or 1 per generation; absent in older snapshots). */
    stops?: number;
    draftMs: number;
    verifyMs: number;
    decodeMs: number;
    ttftMs: number | null;
    /** proposedAt[i]: drafts that reached position i; acceptedAt[i]: of those, accepted. */
    proposedAt: number[];
    acceptedAt: number[];
    /** stepsByDrafts[i]: steps that verified i drafts (a batch of i + 1 tokens; 0 = plain step); verifyMsByDrafts[i]: their time. */
    stepsByDrafts: number[];
    verifyMsByDrafts: number[];
}

export class Stats {
    steps = 0;
    drafted = 0;
    accepted = 0;
    tokens = 0;
    stops = 0;
    draftMs = 0;
    verifyMs = 0;
    /** Time from the first decode step to the last token (excludes prompt evaluation). */
    decodeMs = 0;
    /** Time from the request to its first output token (includes prompt evaluation). */
    ttftMs: number | null = null;
    proposedAt: number[] = [];
    acceptedAt: number[] = [];
    stepsByDrafts: number[] = [];
    verifyMsByDrafts: number[] = [];

    recordStep(s: StepRecord): void {
        this.steps++;
        this.drafted += s.proposed;
        this.accepted += s.accepted;
        this.tokens += s.emitted;
        if (s.stopped) this.stops++;
        this.draftMs += s.draftMs;
        this.verifyMs += s.verifyMs;
        for (let i = 0; i < s.proposed; i++) {
            this.proposedAt[i] = (this.proposedAt[i] ?? 0) + 1;
            if (i < s.accepted) this.acceptedAt[i] = (this.acceptedAt[i] ?? 0) + 1;
            else this.acceptedAt[i] ??= 0;
        }
        for (let i = this.stepsByDrafts.length; i <= s.proposed; i++) { this.stepsByDrafts[i] = 0; this.verifyMsByDrafts[i] = 0; }
        this.stepsByDrafts[s.proposed]++;
        this.verifyMsByDrafts[s.proposed] += s.verifyMs;
    }

    merge(o: StatsSnapshot): void {
        this.steps += o.steps; this.drafted += o.drafted; this.accepted += o.accepted; this.tokens += o.tokens; this.stops += o.stops ?? 0;
        this.draftMs += o.draftMs; this.verifyMs += o.verifyMs; this.decodeMs += o.decodeMs;
        o.proposedAt.forEach((v, i) => { this.proposedAt[i] = (this.proposedAt[i] ?? 0) + v; });
        o.acceptedAt.forEach((v, i) => { this.acceptedAt[i] = (this.acceptedAt[i] ?? 0) + v; });
        (o.stepsByDrafts ?? []).forEach((v, i) => {
            this.stepsByDrafts[i] = (this.stepsByDrafts[i] ?? 0) + v;
            this.verifyMsByDrafts[i] = (this.verifyMsByDrafts[i] ?? 0) + (o.verifyMsByDrafts[i] ?? 0);
        });
        if (this.ttftMs === null) this.ttftMs = o.ttftMs;
    }

    snapshot(): StatsSnapshot {
        return {steps: this.steps, drafted: this.drafted, accepted: this.accepted, tokens: this.tokens, stops: this.stops, draftMs: this.draftMs,
            verifyMs: this.verifyMs, decodeMs: this.decodeMs, ttftMs: this.ttftMs, proposedAt: [...this.proposedAt], acceptedAt: [...this.acceptedAt],
            stepsByDrafts: [...this.stepsByDrafts], verifyMsByDrafts: [...this.verifyMsByDrafts]};
    }
}

type S = Pick<StatsSnapshot, "steps" | "drafted" | "accepted" | "tokens" | "stops" | "draftMs" | "verifyMs" | "decodeMs" | "proposedAt" | "acceptedAt">;

/** Acceptance rate = accepted draft tokens / drafted tokens (NaN when nothing was drafted). */
export const acceptanceRate = (s: S): number => s.drafted > 0 ? s.accepted / s.drafted : NaN;
/**
 * Mean tokens per target step = (output tokens + stop tokens) / target evaluations. Every step yields the target's
 * own token; the one that ends a generation yields a stop token, which is not output but is counted here, so plain
 * decoding is exactly 1.00.
 */
export const tokensPerStep = (s: S): number => s.steps > 0 ? (s.tokens + (s.stops ?? 0)) / s.steps : NaN;
/** Acceptance by draft position i = accepted at i / drafts that reached position i (conditional on i-1 accepted). */
export const acceptanceByPosition = (s: S): number[] => s.proposedAt.map((p, i) => p > 0 ? (s.acceptedAt[i] ?? 0) / p : NaN);
/** Drafting time per drafted token (ms). */
export const draftMsPerToken = (s: S): number => s.drafted > 0 ? s.draftMs / s.drafted : NaN;
/**
 * Mean verification time of a batch of n tokens (ms), over every step that verified n - 1 drafts, for each n seen
 * at least `minSteps` times: the cost curve as these runs met it.
 */
export const batchCosts = (s: Pick<StatsSnapshot, "stepsByDrafts" | "verifyMsByDrafts">, minSteps = 1): Record<number, number> =>
    Object.fromEntries(s.stepsByDrafts.flatMap((steps, i) => steps >= minSteps ? [[i + 1, s.verifyMsByDrafts[i] / steps]] : []));
/**
 * The statistics retimed with a cost per batch size: verification time = sum over steps of `cost(n)` for a batch of
 * n tokens (n - 1 drafts); decode time = drafting time + that. How a replay predicts a run's time from a cost curve.
 */
export function retimed(s: StatsSnapshot, cost: (n: number) => number): StatsSnapshot {
    const verifyMs = s.stepsByDrafts.reduce((sum, steps, i) => sum + steps * cost(i + 1), 0);
    return {...s, verifyMs, decodeMs: s.draftMs + verifyMs};
}
/** Verification time per target step (ms). */
export const verifyMsPerStep = (s: S): number => s.steps > 0 ? s.verifyMs / s.steps : NaN;
/** Decode throughput = output tokens / decode wall time (prompt evaluation excluded; it is the same for every drafter). */
export const tokensPerSecond = (s: S): number => s.decodeMs > 0 ? s.tokens / (s.decodeMs / 1000) : NaN;
/**
 * Decode throughput while a generation runs: the loop adds its decode time when it ends, so until then the decode
 * time so far is its drafting plus verification time.
 */
export const tokensPerSecondSoFar = (s: S): number => tokensPerSecond(s.decodeMs > 0 ? s : {...s, decodeMs: s.draftMs + s.verifyMs});
/** Speed-up = tokens/s with speculation / tokens/s of plain decoding of the same model in the same process. */
export const speedup = (s: S, baseline: S): number => tokensPerSecond(s) / tokensPerSecond(baseline);

/**
 * Expected tokens per step for i.i.d. acceptance rate a and draft length k (Leviathan et al. 2023, eq. 1):
 * (1 - a^(k+1)) / (1 - a).
 */
export const expectedTokensPerStep = (a: number, k: number): number => a >= 1 ? k + 1 : (1 - a ** (k + 1)) / (1 - a);

/**
 * The Leviathan bound on speed-up for acceptance a, draft length k, and measured costs: the time of one plain
 * step `stepMs`, of verifying k drafts in one batch `verifyMs(k)` and of drafting one token `draftMs`:
 * E[tokens per step] * stepMs / (verifyMs(k) + k * draftMs).
 */
export const leviathanBound = (a: number, k: number, stepMs: number, verifyMs: number, draftMs: number): number =>
    expectedTokensPerStep(a, k) * stepMs / (verifyMs + k * draftMs);

/** Median (the mean of the two middle values for an even count); NaN values are ignored, NaN when none. */
export const median = (a: number[]): number => {
    const s = a.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
    if (s.length === 0) return NaN;
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Compact one-line summary for the CLI and the status bar. */
/**
 * Output-language rate: the share of outputs identified (src/core/langid.ts) as the language asked for, among the
 * outputs that could be identified (`undefined` = too short or an unsupported language: left out). NaN when none.
 */
export function outputLanguageRate(identified: readonly (string | undefined)[], lang: string): number {
    const known = identified.filter((c): c is string => c !== undefined);
    return known.length ? known.filter((c) => c === lang).length / known.length : NaN;
}

/**
 * Loop share: the share of outputs in which the loop guard (src/core/repetition.ts) found degenerate repetition (a
 * span repeated back to back, or the prompt's text written out again) and ended the generation. NaN when none.
 */
export const loopShare = (looping: number, outputs: number): number => outputs > 0 ? looping / outputs : NaN;

/**
 * Output-script rate, for a language written in more than one script: the share of outputs written in the script
 * asked for, among the outputs whose script could be told (src/core/scripts.ts; `undefined` = no character that
 * tells the scripts apart: left out). NaN when none.
 */
export function outputScriptRate(scripts: readonly (string | undefined)[], want: string): number {
    const known = scripts.filter((c): c is string => c !== undefined);
    return known.length ? known.filter((c) => c === want).length / known.length : NaN;
}

export function summary(s: S): string {
    const a = acceptanceRate(s);
    return `${s.tokens} tok, ${tokensPerSecond(s).toFixed(1)} tok/s, ${tokensPerStep(s).toFixed(2)} tok/step` +
        (Number.isNaN(a) ? "" : `, accept ${(a * 100).toFixed(0)}%`);
}

/**
 * chrF (Popović 2015, computed as sacrebleu 2's default: character n-grams n = 1..6, beta = 2, whitespace
 * removed): n-gram statistics summed over all segments (corpus level), an F-beta score per order, averaged over
 * the orders. 0..100.
 */
export function chrF(hypotheses: readonly string[], references: readonly string[], maxN = 6, beta = 2): number {
    if (hypotheses.length !== references.length) throw new Error("chrF: hypotheses and references differ in number");
    const match = new Float64Array(maxN), hypTotal = new Float64Array(maxN), refTotal = new Float64Array(maxN);
    for (let s = 0; s < hypotheses.length; s++) {
        const h = [...hypotheses[s].replace(/\s+/g, "")], r = [...references[s].replace(/\s+/g, "")];
        for (let n = 1; n <= maxN; n++) {
            const hc = charNgrams(h, n), rc = charNgrams(r, n);
            for (const [g, c] of hc) { hypTotal[n - 1] += c; match[n - 1] += Math.min(c, rc.get(g) ?? 0); }
            for (const c of rc.values()) refTotal[n - 1] += c;
        }
    }
    const b2 = beta * beta;
    let score = 0;
    for (let n = 0; n < maxN; n++) {
        const p = hypTotal[n] > 0 ? match[n] / hypTotal[n] : 0, r = refTotal[n] > 0 ? match[n] / refTotal[n] : 0;
        score += b2 * p + r > 0 ? (1 + b2) * p * r / (b2 * p + r) : 0;
    }
    return 100 * score / maxN;
}

function charNgrams(chars: string[], n: number): Map<string, number> {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= chars.length; i++) {
        const g = chars.slice(i, i + n).join("");
        m.set(g, (m.get(g) ?? 0) + 1);
    }
    return m;
}
