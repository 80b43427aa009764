/**
 * The loop guard: detects degenerate repetition in a generated token stream, one token at a time.
 *
 * A small model often falls into a loop: a word, a phrase or a whole sentence written again and again back to back
 * ("otočný otočný otočný ...", "Ich bin ein Reiter. Ich bin ein Reiter. ..."), or it writes out the text it was
 * given instead of continuing it (an echo). The guard watches every token the target emits and reports the first
 * position where the output has become such a copy; the generation stops there (a stop condition: it only looks at
 * tokens the target chose, never at drafts, so speculative and plain decoding stop at the same token) and the
 * output is cut where the copying began, which keeps the text before the loop (and the first copy of a repeated span).
 *
 * What counts (thresholds measured on recorded outputs, tools/quality/loops.ts, docs/benchmarks.md):
 * - a run of r output tokens each equal to the token `d` positions before it (d <= maxDistance) is a repetition when
 *   r >= minTokens and r >= minRepeats * d: with minRepeats = 1 the span of length d has been written again in full,
 *   back to back (a tandem repeat); with 0.5 also a paragraph that starts over with half of an earlier one; and the
 *   copy is long enough not to be a refrain ("row, row, row", "ha ha ha", "no, no");
 * - an echo: a run of output tokens, beginning within the first echoWithin output tokens, that copies the prompt's
 *   own text (the story opening), at any distance up to maxDistance: r >= echoTokens, or r >= echoTail once the copy
 *   has reached the prompt's end (its last sentence written out again).
 *
 * Cost: O(maxDistance) integer comparisons per token (a ring buffer and one run length per distance), independent of
 * the output's length; about a microsecond a token.
 */

export interface RepetitionOptions {
    /** Longest distance (in tokens) between a span and its copy that is looked at. */
    maxDistance: number;
    /** Fewest copied tokens that make a repetition (short refrains stay). */
    minTokens: number;
    /** Copied tokens per token of distance: 1 = the span was repeated in full, back to back. */
    minRepeats: number;
    /** Fewest tokens copied from the prompt's tail that make an echo (0: echoes are not looked for). */
    echoTokens: number;
    /** An echo begins within this many output tokens (after a preamble such as "Here is your story:"), not later. */
    echoWithin: number;
    /**
     * A shorter copy is an echo too once it has copied the prompt up to its end (its last sentence written out again):
     * at least this many tokens, ending within the prompt's last 3 tokens (a final line break or full stop may differ).
     */
    echoTail: number;
}

/**
 * The defaults, chosen on hand-labelled recorded outputs of the default model (tools/quality/loops.ts; labels in
 * tools/quality/loop-labels.json; precision and recall in docs/benchmarks.md).
 */
export const DEFAULT_REPETITION: Readonly<RepetitionOptions> = Object.freeze({maxDistance: 256, minTokens: 20, echoTokens: 20, echoWithin: 24, echoTail: 12, minRepeats: 0.5});

/** A detected repetition, in output token indexes. */
export interface Repetition {
    /** First output token of the copy: the output is cut here (everything before it is kept). */
    start: number;
    /** The output token at which the copy became long enough to count (the generation stopped after it). */
    at: number;
    /** Distance between the copy and what it copies (the period of a loop). */
    distance: number;
    /** The copy began in the prompt: the output repeats the text it was given. */
    echo: boolean;
}

export class RepetitionGuard {
    readonly o: RepetitionOptions;
    private readonly size: number;
    private readonly ring: Int32Array;
    /** run[d]: how many of the latest output tokens each equal the token d positions before them. */
    private readonly run: Int32Array;
    /** Prompt tokens held before the output (negative indexes). */
    private readonly primed: number;
    private n = 0;
    private found?: Repetition;

    /** `prompt`: the prompt's tokens (its last maxDistance tokens are kept, for echoes); empty: no echo check. */
    constructor(prompt: readonly number[] = [], options: Partial<RepetitionOptions> = {}) {
        this.o = {...DEFAULT_REPETITION, ...options};
        if (!(this.o.maxDistance >= 1 && this.o.minTokens >= 1 && this.o.minRepeats > 0)) throw new Error(`invalid repetition options ${JSON.stringify(this.o)}`);
        this.size = this.o.maxDistance + 1;
        this.ring = new Int32Array(this.size).fill(-1);
        this.run = new Int32Array(this.size);
        const tail = this.o.echoTokens > 0 ? prompt.slice(-this.o.maxDistance) : [];
        this.primed = tail.length;
        tail.forEach((t, i) => { this.ring[this.slot(i - tail.length)] = t; });
    }

    private slot(index: number): number { return ((index % this.size) + this.size) % this.size; }

    /** Output tokens seen so far. */
    get length(): number { return this.n; }

    /** The repetition found (then the guard stops looking), if any. */
    get repetition(): Repetition | undefined { return this.found; }

    /** Feeds the next output token; returns the repetition it completes, if it completes one (once). */
    push(token: number): Repetition | undefined {
        const i = this.n++;
        if (this.found) return undefined;
        const o = this.o;
        let best: Repetition | undefined;
        const reach = Math.min(o.maxDistance, i + this.primed);
        for (let d = 1; d <= reach; d++) {
            const r = this.ring[this.slot(i - d)] === token ? ++this.run[d] : (this.run[d] = 0);
            if (r === 0) continue;
            const start = i - r + 1;
            // an echo: the run copies the prompt (its source begins before the output) from early in the output on
            if (o.echoTokens > 0 && start - d < 0 && start < o.echoWithin && (r >= o.echoTokens || (r >= o.echoTail && i - d >= -3))) {
                if (!best || start < best.start) best = {start, at: i, distance: d, echo: true};
                continue;
            }
            // a loop: the part of the run that copies the output itself (a run may begin on a token that happens to
            // equal the prompt's last one, e.g. a paragraph break)
            const own = Math.min(r, i - d + 1);
            if (own >= o.minTokens && own >= o.minRepeats * d) {
                const from = i - own + 1;
                if (!best || from < best.start) best = {start: from, at: i, distance: d, echo: false};
            }
        }
        this.ring[this.slot(i)] = token;
        return this.found = best;
    }
}

/**
 * The guard run over a whole output (recorded outputs, tests): where it would have stopped, or undefined.
 * `prompt` as for RepetitionGuard.
 */
export function findRepetition(output: readonly number[], prompt: readonly number[] = [], options: Partial<RepetitionOptions> = {}): Repetition | undefined {
    const g = new RepetitionGuard(prompt, options);
    for (const t of output) {
        const r = g.push(t);
        if (r) return r;
    }
    return undefined;
}

/** A sentence ends here: a full stop, question or exclamation mark (any script), closing quotes, or a line break. */
const SENTENCE_END = /(?:[.!?…。！？؟।]["'»”’)\]]*|\n)\s*$/u;

/**
 * Where to cut an output that the guard stopped, so that the kept text ends a sentence: the last sentence end
 * inside the repetition's first copy (the tokens [start - distance, start)), else the repetition's start. A loop of
 * " auf die Probe. Sie ist" found after "Meine Geduld ist nicht" keeps "Meine Geduld ist nicht auf die Probe." rather
 * than "... Probe. Sie ist". Deterministic in the tokens, so plain and speculative decoding keep the same text.
 */
export function sentenceCut(output: readonly number[], r: Repetition, detokenize: (tokens: readonly number[]) => string): number {
    if (r.echo) return r.start;
    for (let p = r.start; p > Math.max(0, r.start - r.distance); p--) {
        if (SENTENCE_END.test(detokenize(output.slice(Math.max(0, p - 8), p)))) return p;
    }
    return r.start;
}
