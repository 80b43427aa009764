/**
 * Per-language drafter routing. Pure: no vscode, no node-llama-cpp.
 *
 * A language's candidates, in order of preference:
 *   1. the drafter configured for it (`polyspec.drafters`, e.g. {"de": "ngram:/path/de.ngram"}; "*" for all);
 *   2. the cascade (context lookup, then the n-gram drafter trained for the language in the editor, if any);
 *   3. the trained n-gram drafter alone; 4. context lookup alone; 5. plain decoding ("none").
 * Auto-tuning off: the first candidate. Auto-tuning on: every candidate is tried MIN_RUNS times (the first one,
 * then plain decoding, which every speed-up is measured against, then the rest in order), then the one with the
 * best tokens/s over its recent runs wins; every REFRESH_EVERY-th request re-tries the
 * candidate measured longest ago, so a drafter that got better (more training text) is noticed. Deterministic.
 */
export interface Route {
    lang: string;
    /** Spec for createDrafter: none | lookup | cascade | ngram:FILE | model:MODEL. */
    spec: string;
    /** n-gram file the cascade uses. */
    ngram?: string;
    /** Short stable name: the statistics key and the status-bar readout. */
    label: string;
    reason: "configured" | "trained" | "default" | "best" | "explore" | "refresh";
}

export interface RouterInputs {
    /** polyspec.drafters after validation (language code or "*" -> spec, "auto" = let the router decide). */
    configured: Readonly<Record<string, string>>;
    /** n-gram files trained in the editor, per language. */
    trained: Readonly<Record<string, string>>;
    autoTune: boolean;
}

export interface RecentStats {
    /** Recent runs of this language and drafter label, and their merged tokens/s. */
    recent(lang: string, label: string): {runs: number; tokensPerSecond: number} | undefined;
    /** Time of the most recent run (0 if never). */
    lastRun(lang: string, label: string): number;
}

export const MIN_RUNS = 1;
export const REFRESH_EVERY = 8;
export const DRAFTER_SPEC_RE = /^(auto|none|lookup|cascade|ngram:.+|model:.+)$/;

/** The statistics label of a spec: none, lookup, cascade, cascade+ngram, ngram, model. */
export function drafterLabel(spec: string, ngram?: string): string {
    const kind = spec.split(":")[0];
    if (kind === "cascade") return ngram ? "cascade+ngram" : "cascade";
    return kind;
}

export class Router {
    private decisions = new Map<string, number>();

    constructor(private inputs: RouterInputs, private readonly stats: RecentStats) {}

    update(inputs: RouterInputs): void { this.inputs = inputs; }

    candidates(lang: string): Route[] {
        const {configured, trained} = this.inputs;
        const out: Route[] = [];
        const add = (r: Omit<Route, "label">) => {
            const label = drafterLabel(r.spec, r.ngram);
            if (!out.some((o) => o.label === label)) out.push({...r, label});
        };
        const conf = configured[lang] ?? configured["*"];
        const ngram = trained[lang];
        if (conf && conf !== "auto") {
            add(conf === "cascade" ? {lang, spec: "cascade", ngram, reason: "configured"} : {lang, spec: conf, reason: "configured"});
        }
        add({lang, spec: "cascade", ngram, reason: ngram ? "trained" : "default"});
        if (ngram) add({lang, spec: `ngram:${ngram}`, reason: "trained"});
        add({lang, spec: "lookup", reason: "default"});
        add({lang, spec: "none", reason: "default"});
        return out;
    }

    /** The drafter for the next request in `lang` (counts as a decision for the refresh schedule). */
    choose(lang: string): Route {
        const cands = this.candidates(lang);
        if (!this.inputs.autoTune) return cands[0];
        const plain = cands.find((c) => c.spec === "none");
        const order = [cands[0], ...(plain && plain !== cands[0] ? [plain] : []), ...cands.slice(1).filter((c) => c !== plain)];
        for (const c of order) if ((this.stats.recent(lang, c.label)?.runs ?? 0) < MIN_RUNS) return {...c, reason: "explore"};
        const n = (this.decisions.get(lang) ?? 0) + 1;
        this.decisions.set(lang, n);
        if (n % REFRESH_EVERY === 0) {
            const stalest = cands.reduce((a, b) => (this.stats.lastRun(lang, b.label) < this.stats.lastRun(lang, a.label) ? b : a));
            return {...stalest, reason: "refresh"};
        }
        return {...this.best(lang, cands)!, reason: "best"};
    }

    /** The best measured candidate (no side effects), or the first candidate when nothing is measured yet. */
    current(lang: string): Route {
        const cands = this.candidates(lang);
        if (!this.inputs.autoTune) return cands[0];
        return this.best(lang, cands) ?? cands[0];
    }

    private best(lang: string, cands: Route[]): Route | undefined {
        let best: Route | undefined;
        let bestTps = -Infinity;
        for (const c of cands) {
            const tps = this.stats.recent(lang, c.label)?.tokensPerSecond;
            if (tps !== undefined && Number.isFinite(tps) && tps > bestTps) { best = c; bestTps = tps; }
        }
        return best;
    }
}
