import type {Drafter, Proposal} from "./drafter";
import {PolyspecError} from "./errors";
import {median} from "./stats";

/**
 * Decides, at every step, how many draft tokens to verify.
 * - `budget`: how many tokens to ask the drafter for (for an expensive drafter this is the decision itself);
 * - `trim`: how many of a proposal to send to the target (a cheap drafter proposes the maximum, then the policy
 *   keeps the prefix worth verifying, using the drafter's confidence per token);
 * - `observe`: learn from the outcome.
 */
export interface DraftPolicy {
    budget(drafter: Drafter): number;
    trim(drafter: Drafter, proposal: Proposal): number;
    observe(drafter: Drafter, proposal: Proposal, verified: number, accepted: number, draftMs: number, verifyMs: number): void;
    describe(): string;
}

/** Always draft k tokens and verify all of them (the classic fixed-k loop; benchmarks use it to sweep k). */
export class FixedPolicy implements DraftPolicy {
    constructor(readonly k: number) {}
    budget(): number { return this.k; }
    trim(_d: Drafter, p: Proposal): number { return Math.min(this.k, p.tokens.length); }
    observe(): void {}
    describe(): string { return `fixed k=${this.k}`; }
}

/**
 * Time (ms) to evaluate a batch of n tokens in one target call; n = 1 is one plain decode step.
 * Built from a measured curve (src/engine/costs.ts) and, when `adaptive`, kept current with the verification times
 * seen during generation: once a size has been seen MIN_SEEN times, its cost is the median of its last WINDOW
 * times, so one slow step (a busy moment, a garbage collection) cannot bend it. A fixed curve (adaptive = false)
 * makes a policy's decisions depend on acceptance alone: the benchmark uses one so that its live runs and its
 * replay of the same outputs decide identically.
 */
export class CostCurve {
    private readonly ms: number[];
    private readonly seen: number[][] = [];
    constructor(points: ReadonlyMap<number, number> | Record<number, number>, readonly maxN = 16, readonly adaptive = true) {
        const m = points instanceof Map ? points : new Map(Object.entries(points).map(([k, v]) => [Number(k), v]));
        // only real times count: a cached or recorded curve may hold null (NaN), Infinity or a string
        const known = [...m.entries()].filter(([n, v]) => Number.isFinite(n) && n >= 1 && typeof v === "number" && v > 0 && v < MAX_MS).sort((a, b) => a[0] - b[0]);
        if (known.length === 0 || known[0][0] !== 1) throw new PolyspecError("cost curve needs the time of one decode step (n = 1)", "E_COST_CURVE");
        this.ms = [];
        for (let n = 1; n <= maxN; n++) this.ms[n] = interpolate(known, n);
    }
    at(n: number): number { return this.ms[Math.max(1, Math.min(this.maxN, n))]; }
    observe(n: number, ms: number): void {
        if (!this.adaptive || n < 1 || n > this.maxN || !(ms > 0)) return;
        const w = this.seen[n] ??= [];
        w.push(ms);
        if (w.length > WINDOW) w.shift();
        if (w.length >= MIN_SEEN) this.ms[n] = median(w);
    }
    toJSON(): Record<number, number> { return Object.fromEntries(this.ms.map((v, n) => [n, v]).filter((x) => x[1] !== undefined)); }
}
const WINDOW = 32;
const MIN_SEEN = 5;
/** A batch time above this (an hour) is not a measurement. */
const MAX_MS = 3_600_000;

function interpolate(known: [number, number][], n: number): number {
    let lo = known[0], hi = known[known.length - 1];
    for (const p of known) { if (p[0] <= n) lo = p; if (p[0] >= n) { hi = p; break; } }
    if (n > hi[0]) { // extrapolate linearly from the last two points, never below the last one (a batch costs no less than a smaller one)
        const a = known[known.length - 2] ?? [0, 0];
        return Math.max(hi[1], hi[1] + (n - hi[0]) * (hi[1] - a[1]) / Math.max(1, hi[0] - a[0]));
    }
    if (hi[0] === lo[0]) return lo[1];
    return lo[1] + (hi[1] - lo[1]) * (n - lo[0]) / (hi[0] - lo[0]);
}

/**
 * Acceptance probability of a draft token given that the ones before it were accepted, learned per drafter,
 * by confidence bin (drafters that report confidence) or by position (those that do not). A model starts from its
 * drafter kind's shipped prior when there is one (what that kind achieved on recorded outputs, counted as at most
 * PRIOR_WEIGHT observations per bin, so a cold start does not draft blindly). On top, each bin has a prior worth 4
 * observations: the drafter's confidence times the drafter's learned calibration (accepted tokens over summed
 * confidence, over all its bins, starting at 1 with a weight of 2), or 0.3 without confidence. The
 * calibration learns from every draft at once, so a drafter whose confidence is optimistic (measured: corpus n-gram
 * drafts of confidence 1.0 accepted ~33% of the time on this benchmark's outputs) stops being drafted after a few
 * failures instead of a few failures per bin. `optimistic` adds an exploration bonus that shrinks as the bin is
 * observed (0.3 / sqrt(seen + 1)): a bin whose prior is too low to be worth a draft on this machine still gets
 * tried a few times, and is kept only if the target actually accepts its drafts.
 */
export class AcceptanceModel {
    private readonly hit = new Float64Array(BINS);
    private readonly seen = new Float64Array(BINS);
    private hits = 0;
    private confidences = 0;

    /** Starts from a prior (what this kind of drafter achieved on recorded outputs), worth at most PRIOR_WEIGHT observations per bin. */
    constructor(prior?: AcceptancePrior) {
        if (!prior) return;
        for (let b = 0; b < BINS; b++) {
            const seen = prior.seen[b] ?? 0;
            if (!(seen > 0)) continue;
            const w = Math.min(1, PRIOR_WEIGHT / seen);
            this.seen[b] = seen * w;
            this.hit[b] = Math.min(prior.hit[b] ?? 0, seen) * w;
        }
        if (prior.confidences > 0) {
            const w = Math.min(1, PRIOR_WEIGHT / prior.confidences);
            this.confidences = prior.confidences * w;
            this.hits = prior.hits * w;
        }
    }
    /** Accepted draft tokens per unit of stated confidence (1 = calibrated). */
    get calibration(): number { return (this.hits + 2) / (this.confidences + 2); }
    estimate(confidence: number | undefined, position: number, optimistic = false): number {
        const b = bin(confidence, position);
        const prior = confidence === undefined ? 0.3 : Math.min(1, confidence * this.calibration);
        const mean = (this.hit[b] + 4 * prior) / (this.seen[b] + 4);
        return optimistic ? Math.min(1, mean + 0.3 / Math.sqrt(this.seen[b] + 1)) : mean;
    }
    /** What this model has seen, as a prior for another (src/bench/priors.ts learns the shipped priors so). */
    toPrior(): AcceptancePrior {
        return {seen: [...this.seen], hit: [...this.hit], hits: this.hits, confidences: this.confidences};
    }

    observe(p: Proposal, verified: number, accepted: number): void {
        for (let i = 0; i < verified && i <= accepted; i++) {
            const c = p.confidence?.[i];
            const b = bin(c, i);
            this.seen[b]++;
            if (i < accepted) this.hit[b]++;
            if (c !== undefined) { this.confidences += c; if (i < accepted) this.hits++; }
        }
    }
}
const BINS = 20;
/** A shipped prior counts as at most this many observations per bin: a few requests' own outcomes outweigh it. */
const PRIOR_WEIGHT = 8;
/** Bins 0..9: stated confidence in tenths; bins 10..19: draft position (drafters without confidence). */
export const bin = (c: number | undefined, pos: number) => c === undefined ? 10 + Math.min(pos, 9) : Math.min(9, Math.floor(c * 10));

/**
 * What a kind of drafter achieved before (learned from recorded outputs by src/bench/priors.ts): per bin (see
 * `bin`) the drafts that reached it and those accepted, and the accepted tokens over the summed stated confidence.
 */
export interface AcceptancePrior {
    seen: number[];
    hit: number[];
    hits: number;
    confidences: number;
}
/** Priors per drafter kind ("lookup", "ngram", "model"): the cost-aware policy starts each acceptance model from its kind's. */
export type AcceptancePriors = Readonly<Record<string, AcceptancePrior>>;
/** The kind of drafter that made a proposal: the cascade member that answered, else the drafter ("ngram:de" -> "ngram"). */
export const drafterKind = (d: Drafter, p?: Proposal): string => (p?.source ?? d.name).split(":")[0];

/**
 * The cost-aware policy: maximise expected tokens per second. With per-token acceptance estimates a_1..a_n
 * (each conditional on the previous ones), a step that verifies n drafts yields E[n] = 1 + sum_i prod_{j<=i} a_j
 * tokens in cost(n + 1) + n * draftMs milliseconds; plain decoding yields 1 token in cost(1). Draft n tokens only
 * when E[n] / time(n) beats the plain rate by `margin`; otherwise decode plainly. On a CPU where a batch of 2 costs
 * 1.6 steps this needs a > 0.65 for one token; on a GPU where a batch costs one step it drafts long.
 */
export class CostAwarePolicy implements DraftPolicy {
    private readonly models = new Map<string, AcceptanceModel>();
    private readonly draftMs = new Map<string, number>();
    constructor(readonly cost: CostCurve, readonly maxK = 8, readonly margin = 0.05, private readonly priors: AcceptancePriors = {}) {}

    private model(d: Drafter, p?: Proposal): AcceptanceModel {
        const key = p?.source ? `${d.name}/${p.source}` : d.name;
        let m = this.models.get(key);
        if (!m) this.models.set(key, m = new AcceptanceModel(this.priors[drafterKind(d, p)]));
        return m;
    }

    budget(d: Drafter): number {
        if (!d.expensive) return this.maxK;
        const m = this.model(d);
        return this.best(Array.from({length: this.maxK}, (_, i) => m.estimate(undefined, i, i === 0)), this.draftMs.get(d.name) ?? 0);
    }

    /** Steps seen, and steps that verified a draft only because of the exploration bonus. */
    private steps = 0;
    private explored = 0;

    trim(d: Drafter, p: Proposal): number {
        if (d.expensive) return p.tokens.length; // already paid for: verifying costs only the batch
        const m = this.model(d, p);
        this.steps++;
        const plain = this.best(p.tokens.map((_, i) => m.estimate(p.confidence?.[i], i)), 0);
        // exploration: only the first token, and only within a budget of 2% of the steps (plus a few to start), so
        // that trying out a confidence bin can never make a request measurably slower
        if (plain > 0 || this.explored >= 3 + 0.02 * this.steps) return plain;
        const n = this.best(p.tokens.slice(0, 1).map((_, i) => m.estimate(p.confidence?.[i], i, true)), 0);
        if (n > 0) this.explored++;
        return n;
    }

    /** The n in 0..a.length maximising expected tokens per ms; 0 unless it beats plain decoding by the margin. */
    private best(a: number[], draftMsPerToken: number): number {
        const plain = 1 / this.cost.at(1);
        let bestN = 0, bestRate = plain * (1 + this.margin), expected = 1, run = 1;
        for (let n = 1; n <= Math.min(a.length, this.maxK); n++) {
            run *= a[n - 1];
            expected += run;
            const rate = expected / (this.cost.at(n + 1) + n * draftMsPerToken);
            if (rate > bestRate) { bestRate = rate; bestN = n; }
        }
        return bestN;
    }

    observe(d: Drafter, p: Proposal, verified: number, accepted: number, draftMs: number, verifyMs: number): void {
        this.model(d, p).observe(p, verified, accepted);
        this.cost.observe(verified + 1, verifyMs);
        if (d.expensive && p.tokens.length > 0) {
            const per = draftMs / p.tokens.length;
            const old = this.draftMs.get(d.name);
            this.draftMs.set(d.name, old === undefined ? per : 0.8 * old + 0.2 * per);
        }
    }
    describe(): string { return `cost-aware (k <= ${this.maxK})`; }
}
