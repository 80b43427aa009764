import type {Drafter} from "../core/drafter";
import {createDrafter} from "../engine/drafters";
import type {Engine} from "../engine/engine";
import type {Route} from "./common/router";

/** The drafters built for the loaded engine, one per route (n-gram tables and draft models are loaded once). */
export class DrafterCache {
    private drafters = new Map<string, Promise<Drafter | undefined>>();

    /** The drafter for a route, built on first use. */
    get(engine: Engine, route: Route): Promise<Drafter | undefined> {
        const key = `${route.spec}\u0000${route.ngram ?? ""}`;
        let d = this.drafters.get(key);
        if (!d) {
            d = createDrafter(route.spec, engine.model, {ngram: route.ngram});
            this.drafters.set(key, d);
            d.catch(() => this.drafters.delete(key));
        }
        return d;
    }

    /** Forgets (and disposes) the drafters that use `file` (a retrained n-gram table), or all of them. */
    async forget(file?: string): Promise<void> {
        const gone = new Map([...this.drafters].filter(([key]) => !file || key.includes(file)));
        for (const key of gone.keys()) this.drafters.delete(key);
        await disposeAll(gone);
    }

    /** Starts afresh (a new engine) and returns a function that disposes the drafters built so far. */
    detach(): () => Promise<void> {
        const old = this.drafters;
        this.drafters = new Map();
        return () => disposeAll(old);
    }
}

async function disposeAll(drafters: Map<string, Promise<Drafter | undefined>>): Promise<void> {
    for (const d of drafters.values()) await (await d.catch(() => undefined))?.dispose?.();
}
