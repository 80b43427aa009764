import {sampleFrom} from "../../core/rng";
import type {Drafter, Proposal, ProposeOptions} from "../../core/drafter";
import {DEQUANT, MAX_TOKEN} from "./format";
import {type ExpectTokenizer} from "./reader";
import {NgramTable, distribution} from "./table";

/**
 * Corpus n-gram drafter: chains back-off lookups in a trained table (see table.ts).
 *
 *   table: "the cat" -> {sat: 3/4, ran: 1/4}, "cat sat" -> {on: 1}, "sat on" -> {the: 1}
 *   greedy propose([..., the, cat], k=3) -> tokens [sat, on, the], confidence [0.75, 1, 1]
 *
 * Greedy (no rng): the most frequent stored continuation at each step, confidence = its probability.
 * Sampling (options.rng): each token is drawn from the back-off distribution q, which is returned in `dists`
 * (so the lossless accept / residual-resample rule can use it); confidence = q(token).
 * A proposal stops early when no stored context ends the (extended) context.
 */
export class NgramDrafter implements Drafter {
    readonly name: string;
    readonly expensive = false;
    /** Running totals over this drafter's life (observe()). */
    proposedTokens = 0;
    acceptedTokens = 0;
    private readonly buf: number[] = [];

    constructor(readonly table: NgramTable, o: {name?: string} = {}) {
        this.name = o.name ?? `ngram:${table.lang || "?"}`;
    }

    /** Loads a table file, refusing one built for another tokenizer when `expect` is given. */
    static open(file: string, expect?: ExpectTokenizer): NgramDrafter {
        return new NgramDrafter(NgramTable.load(file, expect));
    }

    propose(context: readonly number[], k: number, options?: ProposeOptions): Proposal {
        const table = this.table;
        const w = table.maxOrder - 1;
        const buf = this.buf;
        buf.length = 0;
        for (let i = Math.max(0, context.length - w); i < context.length; i++) buf.push(context[i]);
        const tokens: number[] = [];
        const confidence: number[] = [];
        const rng = options?.rng;
        const dists: Map<number, number>[] | undefined = rng ? [] : undefined;
        for (let step = 0; step < k; step++) {
            const m = table.match(buf, buf.length);
            if (!m) break;
            let token: number, p: number;
            if (rng) {
                const dist = distribution(m);
                token = sampleFrom(dist, rng);
                p = dist.get(token)!;
                dists!.push(dist);
            } else {
                const c = m.conts[m.start];
                token = c & MAX_TOKEN;
                p = DEQUANT[c >>> 24] / m.total;
            }
            tokens.push(token);
            confidence.push(p);
            buf.push(token);
        }
        return dists ? {tokens, confidence, dists} : {tokens, confidence};
    }

    observe(accepted: number, proposed: number): void {
        this.acceptedTokens += accepted;
        this.proposedTokens += proposed;
    }

    reset(): void {}

    describe(): string {
        const h = this.table.header;
        return `corpus n-gram ${h.lang} (orders 2..${h.maxOrder}, ${this.table.ngrams} n-grams from ${h.trainingTokens} tokens, ${this.table.name})`;
    }
}
