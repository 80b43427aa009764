import type {Drafter, Proposal, ProposeOptions} from "../core/drafter";

/**
 * Cascade: asks each drafter in order (context lookup, then the corpus n-gram, then a draft model if configured)
 * and takes the first non-empty proposal; an expensive drafter is asked only when the cheap ones have nothing.
 * The proposal keeps its drafter's confidence; `lastSource` says which one answered (for statistics).
 */
export class CascadeDrafter implements Drafter {
    readonly name: string;
    readonly expensive = false;
    lastSource: Drafter | undefined;

    constructor(readonly drafters: Drafter[], name = "cascade") {
        if (drafters.length === 0) throw new Error("cascade needs at least one drafter");
        this.name = name;
    }

    /** Synchronous when the members are (table drafters), so offline simulation can replay it. */
    propose(context: readonly number[], k: number, o?: ProposeOptions): Proposal | Promise<Proposal> {
        this.lastSource = undefined;
        const next = (i: number): Proposal | Promise<Proposal> => {
            for (; i < this.drafters.length; i++) {
                const d = this.drafters[i];
                const want = d.expensive ? Math.min(k, o?.budget?.(d) ?? 2) : k;
                if (want <= 0) continue;
                const p = d.propose(context, want, o);
                if (p instanceof Promise) return p.then((r) => r.tokens.length > 0 ? this.take(d, r) : next(i + 1));
                if (p.tokens.length > 0) return this.take(d, p);
            }
            return {tokens: []};
        };
        return next(0);
    }

    private take(d: Drafter, p: Proposal): Proposal {
        this.lastSource = d;
        return {...p, source: p.source ?? d.name};
    }

    observe(accepted: number, proposed: number): void {
        this.lastSource?.observe(accepted, proposed);
    }

    reset(): void { for (const d of this.drafters) d.reset(); }
    describe(): string { return `cascade(${this.drafters.map((d) => d.name).join(" > ")})`; }
    async dispose(): Promise<void> { for (const d of this.drafters) await d.dispose?.(); }
}
