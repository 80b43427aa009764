/**
 * Turns a growing token sequence into text deltas that never split a character: a CJK character or an emoji
 * spread over several byte-level tokens detokenizes to U+FFFD until its last byte arrives, so trailing U+FFFD is
 * held back until it resolves (or the stream ends).
 */
export class TextStreamer {
    private tokens: number[] = [];
    private emitted = "";
    constructor(private readonly detokenize: (tokens: readonly number[]) => string) {}

    /** Adds tokens; returns the new complete text (may be ""). */
    push(tokens: readonly number[]): string {
        this.tokens.push(...tokens);
        let text = this.detokenize(this.tokens);
        let cut = text.length;
        while (cut > 0 && text.charCodeAt(cut - 1) === 0xfffd) cut--;
        // never hold back more than 3 replacement chars: a genuine U+FFFD in the output still comes through
        if (text.length - cut > 3) cut = text.length;
        text = text.slice(0, cut);
        if (!text.startsWith(this.emitted)) return ""; // a later token changed earlier text (rare): wait for it to settle
        const delta = text.slice(this.emitted.length);
        this.emitted = text;
        return delta;
    }

    /** Everything not emitted yet, at the end of the stream. */
    flush(): string {
        const text = this.detokenize(this.tokens);
        const delta = text.startsWith(this.emitted) ? text.slice(this.emitted.length) : "";
        this.emitted = text;
        return delta;
    }

    get text(): string { return this.emitted; }
}
