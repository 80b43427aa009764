import type {Drafter, Proposal} from "../core/drafter";
import {AcceptanceModel, CostCurve, drafterKind, type AcceptancePriors, type DraftPolicy} from "../core/policy";
import {simulate, type Replayable} from "./simulate";

/**
 * Verifies every proposal in full (k = 8, as a fixed policy) and counts, per drafter kind, what was accepted, in
 * the cost-aware policy's own acceptance models (per confidence bin or position).
 */
class CountingPolicy implements DraftPolicy {
    readonly models = new Map<string, AcceptanceModel>();
    budget(): number { return 8; }
    trim(_d: Drafter, p: Proposal): number { return Math.min(8, p.tokens.length); }
    observe(d: Drafter, p: Proposal, verified: number, accepted: number): void {
        if (verified === 0) return; // a step without drafts says nothing about any drafter
        const kind = drafterKind(d, p);
        let m = this.models.get(kind);
        if (!m) this.models.set(kind, m = new AcceptanceModel());
        m.observe(p, verified, accepted);
    }
    describe(): string { return "counting (k = 8)"; }
}

/**
 * Acceptance priors per task ("translate", "story") and drafter kind, learned by replaying the product's drafter
 * (the cascade of each recording's language) over recorded greedy outputs. The engine's cost-aware policies start
 * from them (src/core/priors.json), so a fresh process does not learn each drafter's reliability from zero.
 */
export async function learnPriors(recordings: readonly (Replayable & {task: string; lang: string})[], drafterFor: (lang: string) => Drafter): Promise<Record<string, AcceptancePriors>> {
    const byTask = new Map<string, CountingPolicy>();
    const cost = new CostCurve({1: 1}); // decisions do not depend on time here
    for (const r of recordings) {
        let p = byTask.get(r.task);
        if (!p) byTask.set(r.task, p = new CountingPolicy());
        await simulate(r, drafterFor(r.lang), p, cost);
    }
    return Object.fromEntries([...byTask].map(([task, p]) => [task, Object.fromEntries([...p.models].map(([kind, m]) => [kind, m.toPrior()]))]));
}
