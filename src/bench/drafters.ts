import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {Cancel} from "../core/errors";
import type {Tokenizer} from "../core/target";
import {cacheRoot, corpusPaths, ensureMonolingual, readJsonl} from "../corpus";
import {LookupDrafter} from "../drafters/lookup";
import {loadNgramDrafter, trainNgram, type NgramDrafter} from "../drafters/ngram";
import {cascadeOf} from "../engine/drafters";
import {ensureNgramFile} from "../engine/ngram-files";
import type {Recording} from "./record";
import type {SimDrafter} from "./sweep";

/**
 * The n-gram tables of the comparison, per language, cached under <cache>/bench/drafters:
 * - mono: trained on the language's monolingual text (the research's strategy 3; the product default);
 * - task: trained on the target side of the translation training split (the task-specific analogue);
 * - self: trained on text the target itself generated in the language (self-distillation);
 * - sweep variants of mono: order, corpus fraction, minimum count.
 */
export class BenchDrafters {
    private readonly files = new Map<string, string>();
    private readonly loaded = new Map<string, NgramDrafter>();
    constructor(readonly tokenizer: Tokenizer & {path?: string}, readonly cancel?: Cancel, readonly log: (s: string) => void = () => {}) {}

    private dir(): string {
        const d = path.join(cacheRoot(), "bench", "drafters", this.tokenizer.fingerprint.slice(0, 8));
        fs.mkdirSync(d, {recursive: true});
        return d;
    }

    async mono(lang: string): Promise<string> {
        const {file} = await ensureNgramFile(lang, this.tokenizer, {cancel: this.cancel, log: this.log});
        this.files.set(`mono|${lang}`, file);
        return file;
    }

    async task(lang: string): Promise<string | undefined> {
        const train = corpusPaths(lang).train;
        if (!fs.existsSync(train)) return undefined;
        const out = path.join(this.dir(), `${lang}-task.ngram`);
        if (!fs.existsSync(out)) {
            const text = readJsonl<{ref: string}>(train).map((r) => r.ref).join("\n");
            if (!text.trim()) return undefined;
            await trainNgram([{name: `${lang} translation training split`, text}], {tokenizer: this.tokenizer, lang, out, cancel: this.cancel});
        }
        this.files.set(`task|${lang}`, out);
        return out;
    }

    async self(lang: string, generated: Recording[]): Promise<string | undefined> {
        if (generated.length === 0) return undefined;
        const out = path.join(this.dir(), `${lang}-self-${generated.length}.ngram`);
        if (!fs.existsSync(out)) await trainNgram([{name: `${lang} self-distilled`, text: generated.map((g) => g.text).join("\n")}], {tokenizer: this.tokenizer, lang, out, minCount: 1, cancel: this.cancel});
        this.files.set(`self|${lang}`, out);
        return out;
    }

    /** A variant of the mono table: order N, first `fraction` of the text, minimum count. */
    async variant(lang: string, v: {order: number; fraction: number; minCount: number}): Promise<string> {
        const out = path.join(this.dir(), `${lang}-o${v.order}-f${v.fraction}-m${v.minCount}.ngram`);
        if (!fs.existsSync(out)) {
            const mono = await ensureMonolingual(lang, {cancel: this.cancel, log: this.log});
            let input = mono;
            if (v.fraction < 1) {
                const buf = fs.readFileSync(mono);
                let end = Math.floor(buf.length * v.fraction);
                while (end < buf.length && buf[end] !== 0x0a) end++;
                input = path.join(os.tmpdir(), `polyspec-${process.pid}-${lang}-${v.fraction}.txt`);
                fs.writeFileSync(input, buf.subarray(0, end));
            }
            try {
                await trainNgram([input], {tokenizer: this.tokenizer, lang, out, order: v.order, minCount: v.minCount, cancel: this.cancel});
            } finally { if (input !== mono) fs.rmSync(input, {force: true}); }
        }
        this.files.set(`variant|${lang}|${v.order}|${v.fraction}|${v.minCount}`, out);
        return out;
    }

    file(key: string): string | undefined { return this.files.get(key); }

    /** A (shared, loaded once) drafter for a table file. */
    drafter(file: string | undefined): NgramDrafter | undefined {
        if (!file) return undefined;
        let d = this.loaded.get(file);
        if (!d) this.loaded.set(file, d = loadNgramDrafter(file, this.tokenizer));
        return d;
    }

    /** The simulation grid's drafters (sweep variants added by the caller). */
    simDrafters(): SimDrafter[] {
        return [
            {id: "lookup", kind: "lookup", make: () => new LookupDrafter()},
            {id: "ngram-mono", kind: "ngram", make: (l) => this.drafter(this.files.get(`mono|${l}`))},
            {id: "ngram-task", kind: "ngram", make: (l) => this.drafter(this.files.get(`task|${l}`))},
            {id: "ngram-self", kind: "ngram", make: (l) => this.drafter(this.files.get(`self|${l}`))},
            {id: "cascade", kind: "cascade", make: (l) => cascadeOf({ngram: this.drafter(this.files.get(`mono|${l}`))})},
        ];
    }
}
