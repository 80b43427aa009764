/**
 * A short cache of inline suggestions (pure). Keyed by the text before the cursor; a lookup also succeeds when
 * the user has since typed the beginning of a cached suggestion (the rest is returned). Entries expire after
 * `ttlMs`; at most `max` are kept (oldest dropped).
 */
export class SuggestionCache {
    private entries: {key: string; text: string; at: number}[] = [];

    constructor(private readonly max = 32, private readonly ttlMs = 60_000, private readonly now: () => number = Date.now) {}

    set(before: string, text: string): void {
        this.entries = this.entries.filter((e) => e.key !== before);
        this.entries.push({key: before, text, at: this.now()});
        if (this.entries.length > this.max) this.entries.shift();
    }

    get(before: string): string | undefined {
        const t = this.now();
        this.entries = this.entries.filter((e) => t - e.at <= this.ttlMs);
        for (let i = this.entries.length - 1; i >= 0; i--) {
            const e = this.entries[i];
            if (e.key === before) return e.text;
            if (before.startsWith(e.key)) {
                const typed = before.slice(e.key.length);
                if (e.text.startsWith(typed) && e.text.length > typed.length) return e.text.slice(typed.length);
            }
        }
        return undefined;
    }

    clear(): void { this.entries = []; }
}
