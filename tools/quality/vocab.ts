// Token ids -> text for the default model without loading it: the GGUF's own vocabulary (node-llama-cpp's
// readGgufFileInfo reads the metadata only), decoded as GPT-2 byte-level BPE (the Qwen2.5 tokenizer). For tools that
// only need to read recorded outputs (no model evaluation, so no model lock).
import {nodeLlamaCpp} from "../../src/engine/llama";

/** GPT-2's bytes_to_unicode: printable bytes map to themselves, the others to U+0100 upwards. */
function byteDecoder(): Map<string, number> {
    const bs: number[] = [];
    for (let b = 33; b <= 126; b++) bs.push(b);
    for (let b = 161; b <= 172; b++) bs.push(b);
    for (let b = 174; b <= 255; b++) bs.push(b);
    const cs = [...bs];
    let n = 0;
    for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n++); }
    return new Map(bs.map((b, i) => [String.fromCodePoint(cs[i]), b]));
}

export async function ggufDetokenizer(modelPath: string): Promise<(tokens: readonly number[]) => string> {
    const info = await (await nodeLlamaCpp()).readGgufFileInfo(modelPath, {readTensorInfo: false});
    const tk = (info.metadata as unknown as {tokenizer: {ggml: {model: string; tokens: string[]}}}).tokenizer.ggml;
    if (tk.model !== "gpt2") throw new Error(`${modelPath}: tokenizer ${tk.model}, not byte-level BPE`);
    const dec = byteDecoder();
    const bytesOf = tk.tokens.map((t) => /^<\|.*\|>$/.test(t) ? Buffer.alloc(0) : Buffer.from([...t].map((c) => dec.get(c) ?? 63)));
    return (tokens) => Buffer.concat(tokens.map((t) => bytesOf[t] ?? Buffer.alloc(0))).toString("utf8");
}

/**
 * Text -> token ids for the default model without loading it: byte-level BPE over the GGUF's vocabulary and merges,
 * with Qwen2's pre-tokenizer split. For measuring the loop guard on human-written text (no evaluation, no lock).
 * Checked against recorded outputs by tools/quality/loops.ts (--human prints how many round-trip exactly).
 */
export async function ggufTokenizer(modelPath: string): Promise<(text: string) => number[]> {
    const info = await (await nodeLlamaCpp()).readGgufFileInfo(modelPath, {readTensorInfo: false});
    const tk = (info.metadata as unknown as {tokenizer: {ggml: {tokens: string[]; merges: string[]}}}).tokenizer.ggml;
    const ids = new Map(tk.tokens.map((t, i) => [t, i]));
    const rank = new Map(tk.merges.map((m, i) => [m, i]));
    const enc = new Map([...byteDecoder()].map(([c, b]) => [b, c]));
    const split = /(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;
    const cache = new Map<string, number[]>();
    const bpe = (piece: string): number[] => {
        const hit = cache.get(piece);
        if (hit) return hit;
        let parts = [...Buffer.from(piece, "utf8")].map((b) => enc.get(b)!);
        for (;;) {
            let best = -1, at = -1;
            for (let i = 0; i + 1 < parts.length; i++) {
                const r = rank.get(`${parts[i]} ${parts[i + 1]}`);
                if (r !== undefined && (best < 0 || r < best)) { best = r; at = i; }
            }
            if (at < 0) break;
            parts = [...parts.slice(0, at), parts[at] + parts[at + 1], ...parts.slice(at + 2)];
        }
        const out = parts.map((p) => ids.get(p) ?? 0);
        cache.set(piece, out);
        return out;
    };
    return (text) => (text.match(split) ?? []).flatMap(bpe);
}
