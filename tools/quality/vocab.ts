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
