/**
 * The small interface the speculative loop needs from a target model. src/engine implements it over
 * node-llama-cpp; tests may implement it over anything.
 */

/** Converts text to the target's token ids and back. */
export interface Tokenizer {
    tokenize(text: string, specialTokens?: boolean): number[];
    detokenize(tokens: readonly number[]): string;
    /** Number of entries in the vocabulary. */
    readonly vocabSize: number;
    /** A stable hash of the vocabulary (hex); drafter files record it to refuse another tokenizer's tables. */
    readonly fingerprint: string;
}

/** Sampling settings. Absent (undefined) means greedy decoding. */
export interface Sampling {
    temperature: number;
    topK?: number;
    topP?: number;
    minP?: number;
    /** Base seed; the loop derives one seed per output position, so a run is reproducible. */
    seed: number;
}

export interface VerifyOptions {
    /** undefined: greedy (argmax at every position). */
    sampling?: Sampling;
    /** One seed per input position (sampling only). */
    seeds?: number[];
    /** Also return the target's (post-sampling-transform) distribution at every position. Costly: only for
     * drafts that come with a distribution under sampling. */
    distributions?: boolean;
    /**
     * Per position, tokens the choice must not be: "stop" rules out stop tokens and "blank" also every token without
     * a visible character (a generation that has written nothing visible yet: the nonEmpty rule); "fence" rules out
     * every token that writes a code fence (two backticks: a story has none, and a code model likes to end a
     * continuation with one); "+" joins them.
     */
    restrict?: readonly (Restriction | undefined)[];
}

/** The token classes a task may exclude from its whole output (PromptSpec.exclude). */
export type ExcludedTokens = "fence";
export type Restriction = "stop" | "blank" | ExcludedTokens | `${"stop" | "blank"}+${ExcludedTokens}`;

export interface PositionResult {
    /** The target's choice for the token after this position: argmax (greedy) or a sample. */
    token: number;
    /** Target distribution after this position (only when asked for). */
    dist?: Map<number, number>;
}

export interface Target extends Tokenizer {
    /** Tokens that end generation. */
    readonly stopTokens: ReadonlySet<number>;
    /**
     * Append `tokens` to the context and evaluate them in ONE batch; return the target's choice after each of
     * them (result i is the next token after tokens[0..i]).
     */
    verify(tokens: readonly number[], options: VerifyOptions): Promise<PositionResult[]>;
    /** Remove the last n evaluated tokens from the context (KV cache). */
    rollback(n: number): Promise<void>;
}
