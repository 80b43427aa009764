import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {Tokenizer} from "../../../src/core/target";

/** A character-level tokenizer: token id = Unicode code point. Its "vocabulary" is named by `variant`. */
export class CharTokenizer implements Tokenizer {
    readonly vocabSize = 0x110000;
    readonly fingerprint: string;
    calls = 0;
    constructor(variant = "chars-v1") {
        this.fingerprint = crypto.createHash("sha256").update(variant).digest("hex");
    }
    tokenize(text: string): number[] {
        this.calls++;
        return Array.from(text, (c) => c.codePointAt(0)!);
    }
    detokenize(tokens: readonly number[]): string {
        return String.fromCodePoint(...tokens);
    }
}

export const ids = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);
export const ch = (t: number): string => String.fromCodePoint(t);

export function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-ngram-test-"));
}

/** Deterministic pseudo-text: words from a small vocabulary with Zipf-like frequencies, lines of 5..15 words. */
export function pseudoText(seed: number, words: number): string {
    const vocab = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "to", "house", "and", "big", "red", "ball", "under", "tree", "of", "in", "river", "old"];
    let s = seed >>> 0;
    const rnd = () => {
        s = (s + 0x6d2b79f5) >>> 0;
        let t = s;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const out: string[] = [];
    let line: string[] = [];
    let len = 5 + Math.floor(rnd() * 10);
    for (let i = 0; i < words; i++) {
        line.push(vocab[Math.floor(vocab.length * rnd() ** 2)]);
        if (line.length >= len) {
            out.push(line.join(" ") + ".");
            line = [];
            len = 5 + Math.floor(rnd() * 10);
        }
    }
    if (line.length) out.push(line.join(" ") + ".");
    return out.join("\n") + "\n";
}
