/**
 * The GPU catalog (src/models/catalog.ts) in the editor's Select Model, without the editor (pure: no vscode, no
 * node-llama-cpp): the quick-pick entries in catalogPickItems' order, worded for the detected GPU memory, the modal
 * question for a pair that does not fit, and what polyspec.drafters becomes after a pick.
 *
 * `t` is vscode.l10n.t (or a stand-in in tests), so every string here is localizable; the entries' own descriptions,
 * languages and licenses are data (English), like the default models' descriptions.
 */
import {CATALOG, catalogDrafterSpec, catalogPickItems, fmtGiB, type CatalogEntry, type VramInfo} from "../../models/catalog";
import {findModel} from "../../models/registry";

export type Translate = (message: string, ...args: (string | number)[]) => string;

/** What the editor knows of the GPU: node-llama-cpp's answer (gpu false: none), or why it could not be read. */
export type GpuMemory = VramInfo | {readonly error: string};

export interface CatalogOption {
    readonly id: string;
    readonly label: string;
    readonly description: string;
    readonly detail: string;
    /** The value for polyspec.model (the target's hf: URI). */
    readonly model: string;
    /** The value for polyspec.drafters["*"] (model:NAME or model:URI of the same-tokenizer draft). */
    readonly drafter: string;
    readonly fits: boolean;
    /** The modal question to ask before downloading a pair that does not fit; undefined where it fits. */
    readonly confirm?: string;
}

type CatalogPart = CatalogEntry["target"] | CatalogEntry["draft"];

/**
 * The catalog's entries for the quick pick: recommended, then fitting, then the rest (marked, and with a question to
 * confirm). `cached` says whether a target or draft is already on disk (for the download size); `current` is
 * polyspec.model.
 */
export function catalogOptions(gpu: GpuMemory, o: {t: Translate; cached: (part: CatalogPart) => boolean; current: string}): CatalogOption[] {
    const {t} = o;
    const vram = "error" in gpu ? undefined : gpu;
    return catalogPickItems(vram).map((i): CatalogOption => {
        const e = i.entry;
        const need = fmtGiB(e.minVramBytes);
        let fit: string, where: string, confirm: string | undefined;
        if ("error" in gpu) {
            fit = "$(warning) " + t("GPU memory unknown (needs ~{0})", need);
            where = t("GPU memory could not be read: {0}", gpu.error);
            confirm = t("The GPU memory could not be read ({0}), so whether {1} fits is unknown: it needs about {2}. Download and use it anyway?", gpu.error, e.id, need);
        } else if (!gpu.gpu) {
            fit = "$(warning) " + t("no GPU detected (needs ~{0} of GPU memory)", need);
            where = t("No GPU detected: the default models above are the choice for the CPU.");
            confirm = t("No GPU was detected: {0} would run on the CPU, much more slowly than the default models (it is made for a GPU with about {1} free). Download and use it anyway?", e.id, need);
        } else {
            fit = i.fits ? t("needs ~{0} of GPU memory, {1} free", need, fmtGiB(gpu.freeBytes))
                : "$(warning) " + t("needs ~{0} of GPU memory; this machine reports {1} free", need, fmtGiB(gpu.freeBytes));
            where = t("GPU: {0}", gpu.gpu);
            confirm = i.fits ? undefined
                : t("{0} needs about {1} of GPU memory; {2} reports {3} free. It may fail to load, or run much more slowly, partly on the CPU. Download and use it anyway?", e.id, need, gpu.gpu, fmtGiB(gpu.freeBytes));
        }
        const toFetch = [e.target, e.draft].filter((p) => !o.cached(p)).reduce((n, p) => n + ("registry" in p ? findModel(p.registry)?.size ?? 0 : p.approxBytes), 0);
        const description = [
            ...(i.recommended ? [t("recommended")] : []),
            fit,
            toFetch > 0 ? t("~{0} GB download", (toFetch / 1e9).toFixed(1)) : t("downloaded"),
            ...(i.model === o.current ? [t("current")] : []),
        ].join(" · ");
        const detail = [where, e.description, e.languages, e.license, ...(e.note ? [e.note] : [])].join("; ");
        return {id: e.id, label: `${o.cached(e.target) ? "$(check)" : "$(cloud-download)"} ${e.id}`, description, detail,
            model: i.model, drafter: i.drafter, fits: i.fits, confirm};
    });
}

const CATALOG_DRAFTERS = new Set(CATALOG.map(catalogDrafterSpec));

/**
 * The user's polyspec.drafters after a model was picked; undefined when nothing changes. A catalog pair (`drafter`
 * given) sets its draft model for every language ("*"), keeping per-language entries, which take precedence. Any
 * other model drops a "*" that names a catalog draft: it drafts only for its catalog family, and elsewhere each
 * request would warn that it cannot be used.
 */
export function draftersAfterPick(user: Readonly<Record<string, string>> | undefined, drafter: string | undefined): Record<string, string> | undefined {
    const current = user ?? {};
    if (drafter) return current["*"] === drafter ? undefined : {...current, "*": drafter};
    if (current["*"] === undefined || !CATALOG_DRAFTERS.has(current["*"])) return undefined;
    const rest = {...current};
    delete rest["*"];
    return rest;
}
