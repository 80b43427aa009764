import type {TableSummary} from "./train";
import {PolyspecError, throwIfCancelled, type Cancel} from "../../core/errors";
import {DEQUANT, MAX_TOKEN, MIN_ORDER} from "./format";
import {TableBuilder, checkSettings, writeFileAtomic} from "./writer";
import {NgramTable} from "./table";

export interface MergeOptions {
    /** Output file (may be one of the inputs: all are read first); written atomically. */
    out: string;
    /** Minimum (summed) count per order; default: per order, the largest of the inputs' minimum counts. */
    minCount?: number | readonly number[];
    /** Continuations kept per context; default: the largest of the inputs' top-M. */
    topM?: number;
    /** Language of the result; required when the inputs' languages differ. Default: the inputs' language. */
    lang?: string;
    onProgress?: (done: number, total: number) => void;
    cancel?: Cancel;
}

export interface MergeResult extends TableSummary {
    inputs: string[];
}

/**
 * Merges tables built for the same tokenizer (a user adds more text later): per order, contexts are merged by
 * hash, the dequantized counts of equal continuations add up, and the minimum count, top-M and quantization are
 * applied again. Equals training on all the texts together up to quantization (counts above 32 are stored to
 * within 4.4%) and up to n-grams the inputs had already pruned (each below the minimum count in every input).
 */
export async function mergeNgramFiles(files: readonly string[], o: MergeOptions): Promise<MergeResult> {
    const t0 = performance.now();
    if (files.length < 2) throw new PolyspecError("merging needs at least two n-gram files", "E_USAGE");
    const tables = files.map((f) => NgramTable.load(f));
    const first = tables[0];
    for (const t of tables.slice(1)) {
        if (t.header.fingerprint !== first.header.fingerprint) {
            throw new PolyspecError(
                `cannot merge ${t.name} (tokenizer ${t.header.fingerprint.slice(0, 8)}..${t.header.model ? `, model ${t.header.model}` : ""}) with ` +
                `${first.name} (tokenizer ${first.header.fingerprint.slice(0, 8)}..${first.header.model ? `, model ${first.header.model}` : ""}): ` +
                `they were built for different tokenizers; retrain one with the other's --model`, "E_NGRAM_TOKENIZER");
        }
    }
    const langs = [...new Set(tables.map((t) => t.header.lang))];
    if (langs.length > 1 && !o.lang) {
        throw new PolyspecError(`cannot merge tables of different languages (${langs.join(", ")}) without saying the result's language (--lang)`, "E_USAGE");
    }
    const maxOrder = Math.max(...tables.map((t) => t.maxOrder));
    const defaultMin: number[] = [];
    for (let ord = MIN_ORDER; ord <= maxOrder; ord++) {
        defaultMin.push(Math.max(1, ...tables.filter((t) => t.maxOrder >= ord).map((t) => t.section(ord).minCount)));
    }
    const settings = checkSettings(maxOrder, o.minCount ?? defaultMin, o.topM ?? Math.max(...tables.map((t) => t.header.topM)));
    const builder = new TableBuilder(settings);
    const totalContexts = tables.reduce((a, t) => a + t.header.orders.reduce((b, x) => b + x.contexts, 0), 0);
    let doneContexts = 0;

    const toks: number[] = [], counts: number[] = [];
    for (let ord = MIN_ORDER; ord <= maxOrder; ord++) {
        throwIfCancelled(o.cancel);
        const cur = tables.filter((t) => t.maxOrder >= ord).map((t) => ({s: t.section(ord), ci: 0, p: 0}));
        for (;;) {
            let min = Infinity;
            for (const c of cur) if (c.ci < c.s.hashes.length && c.s.hashes[c.ci] < min) min = c.s.hashes[c.ci];
            if (min === Infinity) break;
            toks.length = 0;
            counts.length = 0;
            for (const c of cur) {
                if (c.ci >= c.s.hashes.length || c.s.hashes[c.ci] !== min) continue;
                const n = c.s.nCont[c.ci];
                for (let j = c.p; j < c.p + n; j++) {
                    toks.push(c.s.conts[j] & MAX_TOKEN);
                    counts.push(DEQUANT[c.s.conts[j] >>> 24]);
                }
                c.p += n;
                c.ci++;
                doneContexts++;
            }
            builder.addContext(ord, min, toks, counts, toks.length);
            if ((doneContexts & 0xffff) === 0) {
                throwIfCancelled(o.cancel);
                o.onProgress?.(doneContexts, totalContexts);
            }
        }
    }
    const lang = o.lang ?? first.header.lang;
    const trainingTokens = tables.reduce((a, t) => a + t.header.trainingTokens, 0);
    const {parts, size, orders} = builder.finish({fingerprint: first.header.fingerprint, vocabSize: first.header.vocabSize, lang, model: first.header.model, trainingTokens});
    const ngrams = orders.reduce((a, x) => a + x.ngrams, 0);
    if (ngrams === 0) throw new PolyspecError(`merging ${files.join(", ")} leaves no n-gram at the given minimum count`, "E_USAGE");
    throwIfCancelled(o.cancel);
    await writeFileAtomic(o.out, parts);
    o.onProgress?.(totalContexts, totalContexts);
    return {
        file: o.out, bytes: size, lang, fingerprint: first.header.fingerprint, model: first.header.model, maxOrder, topM: settings.topM,
        inputs: [...files], orders, ngrams, bytesPerNgram: size / ngrams, trainingTokens, seconds: (performance.now() - t0) / 1000,
    };
}
