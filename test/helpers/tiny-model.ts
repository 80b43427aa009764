// Tiny llama-architecture GGUF models (F32, byte-level GPT-2 vocabulary) whose behaviour we design:
// - "random": random weights: arbitrary but deterministic logits that depend on the whole context;
// - "cycle": attention/FFN outputs are zero, so the next token depends only on the current one; the output matrix
//   makes argmax(next | byte c_i) = c_{i+1} for the characters of `cycle` (a "spell the alphabet" model), with
//   `sharpness` controlling how peaked the distribution is.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {bytesToUnicode, T, writeGguf, type KV, type Tensor} from "./gguf";

export interface TinyOptions {
    mode: "random" | "cycle"; seed?: number; cycle?: string; sharpness?: number; eos?: boolean;
    /** cycle mode: after this character the model's choice is the end-of-sequence token instead of the next character */
    eosAfter?: string;
}

export function makeTinyModel(file: string, o: TinyOptions): string {
    let seed = (o.seed ?? 1) >>> 0 || 1;
    const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return (seed + 0.5) / 4294967296; };
    const randn = () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
    const randArr = (n: number, std: number) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = randn() * std; return a; };
    const ones = (n: number) => new Float32Array(n).fill(1);
    const zeros = (n: number) => new Float32Array(n);
    const nEmbd = 64, nLayer = 2, nHead = 4, nFf = 128, ctx = 1024, headDim = nEmbd / nHead;
    const b2u = bytesToUnicode();
    const tokens: string[] = [], types: number[] = [];
    const byteTok = new Map<number, number>();
    for (let b = 0; b < 256; b++) { byteTok.set(b, tokens.length); tokens.push(b2u.get(b)!); types.push(1); }
    const bos = tokens.length; tokens.push("<s>"); types.push(3);
    const eos = tokens.length; tokens.push("</s>"); types.push(3);
    const nVocab = tokens.length;
    const cycle = o.mode === "cycle";
    const tokEmbd = randArr(nEmbd * nVocab, cycle ? 1 : 0.5);
    let output: Float32Array;
    if (cycle) {
        const chars = o.cycle ?? "abcdefghijklmnopqrstuvwxyz ";
        const succ = new Map<number, number>();
        for (let i = 0; i < chars.length; i++) succ.set(byteTok.get(chars.charCodeAt(i))!, byteTok.get(chars.charCodeAt((i + 1) % chars.length))!);
        if (o.eosAfter) succ.set(byteTok.get(o.eosAfter.charCodeAt(0))!, eos);
        output = new Float32Array(nEmbd * nVocab);
        const sharp = o.sharpness ?? 0.15;
        for (let i = 0; i < nVocab; i++) {
            const j = succ.get(i); if (j === undefined) continue;
            let ss = 0; for (let d = 0; d < nEmbd; d++) ss += tokEmbd[i * nEmbd + d] ** 2;
            const inv = 1 / Math.sqrt(ss / nEmbd);
            for (let d = 0; d < nEmbd; d++) output[j * nEmbd + d] += tokEmbd[i * nEmbd + d] * inv * sharp;
        }
    } else output = randArr(nEmbd * nVocab, 0.5);
    const tensors: Tensor[] = [
        {name: "token_embd.weight", dims: [nEmbd, nVocab], data: tokEmbd},
        {name: "output_norm.weight", dims: [nEmbd], data: ones(nEmbd)},
        {name: "output.weight", dims: [nEmbd, nVocab], data: output},
    ];
    const w = cycle ? 0.02 : 0.3;
    for (let l = 0; l < nLayer; l++) {
        const p = `blk.${l}.`;
        tensors.push(
            {name: p + "attn_norm.weight", dims: [nEmbd], data: ones(nEmbd)},
            {name: p + "attn_q.weight", dims: [nEmbd, nEmbd], data: randArr(nEmbd * nEmbd, w)},
            {name: p + "attn_k.weight", dims: [nEmbd, nEmbd], data: randArr(nEmbd * nEmbd, w)},
            {name: p + "attn_v.weight", dims: [nEmbd, nEmbd], data: randArr(nEmbd * nEmbd, w)},
            {name: p + "attn_output.weight", dims: [nEmbd, nEmbd], data: cycle ? zeros(nEmbd * nEmbd) : randArr(nEmbd * nEmbd, w)},
            {name: p + "ffn_norm.weight", dims: [nEmbd], data: ones(nEmbd)},
            {name: p + "ffn_gate.weight", dims: [nEmbd, nFf], data: randArr(nEmbd * nFf, w)},
            {name: p + "ffn_up.weight", dims: [nEmbd, nFf], data: randArr(nEmbd * nFf, w)},
            {name: p + "ffn_down.weight", dims: [nFf, nEmbd], data: cycle ? zeros(nFf * nEmbd) : randArr(nFf * nEmbd, w)},
        );
    }
    const kv: KV[] = [
        ["general.architecture", T.STR, "llama"],
        ["general.name", T.STR, `tiny-${o.mode}`],
        ["general.file_type", T.U32, 0],
        ["llama.context_length", T.U32, ctx],
        ["llama.embedding_length", T.U32, nEmbd],
        ["llama.block_count", T.U32, nLayer],
        ["llama.feed_forward_length", T.U32, nFf],
        ["llama.attention.head_count", T.U32, nHead],
        ["llama.attention.head_count_kv", T.U32, nHead],
        ["llama.rope.dimension_count", T.U32, headDim],
        ["llama.attention.layer_norm_rms_epsilon", T.F32, 1e-5],
        ["llama.vocab_size", T.U32, nVocab],
        ["tokenizer.ggml.model", T.STR, "gpt2"],
        ["tokenizer.ggml.pre", T.STR, "default"],
        ["tokenizer.ggml.tokens", T.ARR, {type: T.STR, values: tokens}],
        ["tokenizer.ggml.token_type", T.ARR, {type: T.I32, values: types}],
        ["tokenizer.ggml.merges", T.ARR, {type: T.STR, values: []}],
        ["tokenizer.ggml.bos_token_id", T.U32, bos],
        ["tokenizer.ggml.eos_token_id", T.U32, eos],
        ["tokenizer.ggml.add_bos_token", T.BOOL, true],
    ];
    writeGguf(file, kv, tensors);
    return file;
}

/** Writes the model into a temp folder once per process and returns its path. */
const made = new Map<string, string>();
export function tinyModel(o: TinyOptions): string {
    const key = JSON.stringify(o);
    let p = made.get(key);
    if (!p) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-tiny-"));
        p = makeTinyModel(path.join(dir, `tiny-${o.mode}-${o.seed ?? 1}.gguf`), o);
        made.set(key, p);
    }
    return p;
}
