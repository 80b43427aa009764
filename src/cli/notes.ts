/**
 * What the CLI says when the loop guard ended a generation: the streamed text ran into the repetition, the result
 * (--json, and what the editor writes) keeps the text before it.
 */
export function repetitionNote(kept: string, echo: boolean): string {
    const tail = kept.trim() ? `"…${[...kept.trimEnd()].slice(-40).join("").replace(/\n/g, "⏎")}"` : "nothing (the output was all repetition)";
    return `polyspec: stopped: the model started repeating ${echo ? "the text it was given" : "itself"}. The result is the text before the repetition, up to ${tail}; what was printed after it is not part of the result.`;
}
