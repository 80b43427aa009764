/**
 * The model catalog for users with a GPU and a network: multilingual instruction-tuned targets, each paired with a
 * small draft model of the same tokenizer, chosen by the GPU memory node-llama-cpp detects. The pinned registry
 * (registry.ts) stays the offline default and fallback: nothing here is fetched unless the user picks it.
 *
 * Files come from Hugging Face and are downloaded by node-llama-cpp's downloader (src/engine/catalog-download.ts,
 * with resume and progress); each is then checked against the sha256 recorded here before it enters the cache.
 *
 * Where the sha256 values come from: Hugging Face publishes each GGUF's Git LFS sha256 on the file's page, but no hub
 * is reachable from where this catalog was written. The values below are copied from LocalAI's model gallery
 * (github.com/mudler/LocalAI, gallery/index.yaml, read at commit 82c191afadf5f005281e798ccfa0ffd0d5805030), which
 * records the LFS sha256 of the same Hugging Face file for each entry; the gallery commit that added each value is
 * given in `sha256Source`. They have not been compared with a download here. A file whose hash differs (the
 * uploader replaced it, or the transfer was corrupted) is refused and deleted, never cached.
 *
 * Sizes are approximate (from the quantization, not from a listing) and only used to pick what fits in VRAM; the
 * download's own Content-Length drives the progress bar.
 */

export interface CatalogFile {
    /** node-llama-cpp model URI (hf:user/repo/file.gguf) or an http(s) URL. */
    readonly uri: string;
    /** File name in the models cache. */
    readonly file: string;
    /** Approximate size in bytes (for VRAM fitting only). */
    readonly approxBytes: number;
    /** Lower-case hex sha256 of the file, where a source publishes it. */
    readonly sha256?: string;
    /** Where the sha256 was read. */
    readonly sha256Source?: string;
}

export interface CatalogEntry {
    /** The id users type: `--model gemma3-4b-it`, `polyspec models fetch gemma3-4b-it`. */
    readonly id: string;
    readonly family: "gemma3" | "qwen3";
    readonly description: string;
    /** Which languages the family is documented for (from the model card). */
    readonly languages: string;
    readonly target: CatalogFile;
    /** The draft: a pinned registry model (offline-fetchable, sha256 pinned) or another catalog file. */
    readonly draft: {readonly registry: string} | CatalogFile;
    readonly license: string;
    /** Free GPU memory this pair needs: both files, a 4096-token KV cache and compute buffers (an estimate). */
    readonly minVramBytes: number;
    /** Anything the user should know (e.g. Qwen3's thinking mode). */
    readonly note?: string;
}

const GB = 1e9;
const GiB = 1024 ** 3;
const LOCALAI = "LocalAI gallery/index.yaml";
const gallery = (commit: string, date: string) => `${LOCALAI} (added in ${commit}, ${date}): LFS sha256 of the Hugging Face file`;

/** The pinned Gemma 3 270M (registry.ts): same 262k-token vocabulary as the Gemma 3 instruction models. */
const GEMMA_DRAFT = {registry: "gemma3-270m"} as const;
const QWEN3_DRAFT: CatalogFile = {
    uri: "hf:MaziyarPanahi/Qwen3-0.6B-GGUF/Qwen3-0.6B.Q4_K_M.gguf", file: "Qwen3-0.6B.Q4_K_M.gguf", approxBytes: 0.40 * GB,
    sha256: "dc4503da5d7cc7254055a86cd90e1a8c9d16c6ac71eb3a32b34bf48a1f4e0999", sha256Source: gallery("a25d355d6", "2025-04-29"),
};
const GEMMA_LICENSE = "Gemma Terms of Use (google/gemma-3-*-it)";
const GEMMA_LANGS = "over 140 languages (Gemma 3 model card)";
const QWEN_LICENSE = "Apache-2.0 (Qwen/Qwen3-*)";
const QWEN_LANGS = "119 languages and dialects (Qwen3 model card)";
const QWEN_NOTE = "Qwen3 thinks before answering unless told not to; Polyspec's prompts ask for the answer only, but a " +
    "thinking model may still emit a <think> block. Pick Gemma 3 for translation if that matters.";
/** Overhead over the files: KV cache of 4096 tokens and compute buffers, rounded up (llama.cpp, Q4 models). */
const overhead = (params: number) => Math.max(0.6 * GiB, params * 0.08 * GiB);

export const CATALOG: readonly CatalogEntry[] = [
    {
        id: "gemma3-1b-it", family: "gemma3", languages: GEMMA_LANGS, license: GEMMA_LICENSE, draft: GEMMA_DRAFT,
        description: "Gemma 3 1B instruction-tuned Q4_K_M, drafted by the pinned Gemma 3 270M",
        target: {uri: "hf:ggml-org/gemma-3-1b-it-GGUF/gemma-3-1b-it-Q4_K_M.gguf", file: "gemma-3-1b-it-Q4_K_M.gguf", approxBytes: 0.81 * GB,
            sha256: "8ccc5cd1f1b3602548715ae25a66ed73fd5dc68a210412eea643eb20eb75a135", sha256Source: gallery("12568c7d6", "2025-03-13")},
        minVramBytes: 0.81 * GB + 0.25 * GB + overhead(1),
    },
    {
        id: "gemma3-4b-it", family: "gemma3", languages: GEMMA_LANGS, license: GEMMA_LICENSE, draft: GEMMA_DRAFT,
        description: "Gemma 3 4B instruction-tuned Q4_K_M, drafted by the pinned Gemma 3 270M",
        target: {uri: "hf:lmstudio-community/gemma-3-4b-it-GGUF/gemma-3-4b-it-Q4_K_M.gguf", file: "gemma-3-4b-it-Q4_K_M.gguf", approxBytes: 2.49 * GB,
            sha256: "be49949e48422e4547b00af14179a193d3777eea7fbbd7d6e1b0861304628a01", sha256Source: gallery("2b98e4ec5", "2025-03-17")},
        minVramBytes: 2.49 * GB + 0.25 * GB + overhead(4),
    },
    {
        id: "gemma3-12b-it", family: "gemma3", languages: GEMMA_LANGS, license: GEMMA_LICENSE, draft: GEMMA_DRAFT,
        description: "Gemma 3 12B instruction-tuned Q4_K_M, drafted by the pinned Gemma 3 270M",
        target: {uri: "hf:lmstudio-community/gemma-3-12b-it-GGUF/gemma-3-12b-it-Q4_K_M.gguf", file: "gemma-3-12b-it-Q4_K_M.gguf", approxBytes: 7.3 * GB,
            sha256: "9610e3e07375303f6cd89086b496bcc1ab581177f52042eff536475a29283ba2", sha256Source: gallery("2b98e4ec5", "2025-03-17")},
        minVramBytes: 7.3 * GB + 0.25 * GB + overhead(12),
    },
    {
        id: "gemma3-27b-it", family: "gemma3", languages: GEMMA_LANGS, license: GEMMA_LICENSE, draft: GEMMA_DRAFT,
        description: "Gemma 3 27B instruction-tuned Q4_K_M, drafted by the pinned Gemma 3 270M",
        target: {uri: "hf:lmstudio-community/gemma-3-27b-it-GGUF/gemma-3-27b-it-Q4_K_M.gguf", file: "gemma-3-27b-it-Q4_K_M.gguf", approxBytes: 16.5 * GB,
            sha256: "6a2cf008500636489eecfc09b96a85bc85832f9964f1a28745128901b5709326", sha256Source: gallery("2b98e4ec5", "2025-03-17")},
        minVramBytes: 16.5 * GB + 0.25 * GB + overhead(27),
    },
    {
        id: "qwen3-4b", family: "qwen3", languages: QWEN_LANGS, license: QWEN_LICENSE, draft: QWEN3_DRAFT, note: QWEN_NOTE,
        description: "Qwen3 4B Q4_K_M, drafted by Qwen3 0.6B (same uploader, same conversion)",
        target: {uri: "hf:MaziyarPanahi/Qwen3-4B-GGUF/Qwen3-4B.Q4_K_M.gguf", file: "Qwen3-4B.Q4_K_M.gguf", approxBytes: 2.5 * GB,
            sha256: "a37931937683a723ae737a0c6fc67dab7782fd8a1b9dea2ca445b7a1dbd5ca3a", sha256Source: gallery("5ecc47896", "2025-04-29")},
        minVramBytes: 2.5 * GB + 0.4 * GB + overhead(4),
    },
    {
        id: "qwen3-8b", family: "qwen3", languages: QWEN_LANGS, license: QWEN_LICENSE, draft: QWEN3_DRAFT, note: QWEN_NOTE,
        description: "Qwen3 8B Q4_K_M, drafted by Qwen3 0.6B (same uploader, same conversion)",
        target: {uri: "hf:MaziyarPanahi/Qwen3-8B-GGUF/Qwen3-8B.Q4_K_M.gguf", file: "Qwen3-8B.Q4_K_M.gguf", approxBytes: 5.0 * GB,
            sha256: "376902d50612ecfc5bd8b268f376c04d10ad7e480f99a1483b833f04344a549e", sha256Source: gallery("aef5c4291", "2025-04-29")},
        minVramBytes: 5.0 * GB + 0.4 * GB + overhead(8),
    },
    {
        id: "qwen3-14b", family: "qwen3", languages: QWEN_LANGS, license: QWEN_LICENSE, draft: QWEN3_DRAFT, note: QWEN_NOTE,
        description: "Qwen3 14B Q4_K_M, drafted by Qwen3 0.6B (same uploader, same conversion)",
        target: {uri: "hf:MaziyarPanahi/Qwen3-14B-GGUF/Qwen3-14B.Q4_K_M.gguf", file: "Qwen3-14B.Q4_K_M.gguf", approxBytes: 9.0 * GB,
            sha256: "ee624d4be12433277bb9a340d3e5aabf5eb68fc788a7048ee99917edaa46494a", sha256Source: gallery("c059f912b", "2025-04-29")},
        minVramBytes: 9.0 * GB + 0.4 * GB + overhead(14),
    },
];

export const CATALOG_IDS: readonly string[] = CATALOG.map((c) => c.id);

export function findCatalogEntry(id: string): CatalogEntry | undefined {
    return CATALOG.find((c) => c.id === id);
}

/** The catalog file (target or draft) whose URI is `uri`, so that choosing an hf: URI still gets its hash checked. */
export function findCatalogFileByUri(uri: string): CatalogFile | undefined {
    const norm = (u: string) => u.replace(/^huggingface:/i, "hf:");
    for (const c of CATALOG) {
        for (const f of [c.target, c.draft]) if ("uri" in f && norm(f.uri) === norm(uri)) return f;
    }
    return undefined;
}

/** What the GPU has, as node-llama-cpp reports it (getVramState); gpu false = no GPU backend. */
export interface VramInfo {
    readonly gpu: string | false;
    readonly totalBytes: number;
    readonly freeBytes: number;
}

export interface CatalogChoice {
    readonly entry: CatalogEntry;
    /** It fits in the free GPU memory. */
    readonly fits: boolean;
    /** The largest pair of its family that fits. */
    readonly recommended: boolean;
    /** Why it is or is not offered, in words for a list or a quick pick. */
    readonly reason: string;
}

/**
 * Every catalog entry with whether it fits the detected GPU memory; the largest fitting entry of each family is
 * recommended. Without a GPU nothing fits, and the reason says that the pinned default (CPU) is the choice.
 */
export function catalogChoices(vram: VramInfo | undefined): CatalogChoice[] {
    const free = vram && vram.gpu ? vram.freeBytes : 0;
    const best = new Map<string, CatalogEntry>();
    for (const e of CATALOG) {
        if (e.minVramBytes <= free && (!best.get(e.family) || best.get(e.family)!.minVramBytes < e.minVramBytes)) best.set(e.family, e);
    }
    return CATALOG.map((entry) => {
        const fits = entry.minVramBytes <= free;
        const need = `needs ~${fmtGiB(entry.minVramBytes)} of GPU memory`;
        const reason = !vram || !vram.gpu ? `${need}; no GPU detected: the pinned default models run on the CPU`
            : fits ? `${need}, ${fmtGiB(free)} free on ${vram.gpu}` : `${need}, only ${fmtGiB(free)} free on ${vram.gpu}`;
        return {entry, fits, recommended: best.get(entry.family) === entry, reason};
    });
}

/**
 * Items for a model picker, in English (the editor's Select Model localizes its own text from `entry`, `fits` and
 * `recommended`: src/vscode/common/catalogPick.ts): the recommended pairs first, then the others that fit, then
 * those that do not (marked). `model` is what `polyspec.model` takes (the target's hf: URI, which the setting's
 * pattern accepts and whose hash is still checked); `drafter` what `polyspec.drafters` takes.
 */
export function catalogPickItems(vram: VramInfo | undefined): {label: string; description: string; detail: string; model: string; drafter: string; fits: boolean; recommended: boolean; entry: CatalogEntry}[] {
    const rank = (c: CatalogChoice) => c.recommended ? 0 : c.fits ? 1 : 2;
    return catalogChoices(vram).sort((a, b) => rank(a) - rank(b)).map((c) => ({
        label: c.entry.id, description: `${c.recommended ? "recommended · " : ""}${c.entry.description}`,
        detail: `${c.reason}; ${c.entry.languages}; ${c.entry.license}`, model: c.entry.target.uri,
        drafter: catalogDrafterSpec(c.entry), fits: c.fits, recommended: c.recommended, entry: c.entry,
    }));
}

/** The `polyspec.drafters` / `--drafter` value of an entry's draft: model:NAME (pinned) or model:URI (catalog file). */
export function catalogDrafterSpec(entry: CatalogEntry): string {
    return `model:${"registry" in entry.draft ? entry.draft.registry : entry.draft.uri}`;
}

/** Bytes as GiB with one decimal ("3.6 GiB"), as catalogChoices words it. */
export function fmtGiB(bytes: number): string {
    return `${(bytes / GiB).toFixed(1)} GiB`;
}
