import * as fs from "node:fs";
import * as path from "node:path";
import {PolyspecError} from "../core/errors";
import {modelsDir} from "./cache";
import {fetchModel, requireSpec, type FetchOptions} from "./fetch";
import {MODELS, findModel, type ModelRole} from "./registry";
import {assertGgufFile, isRequantType, parseVariant, REQUANT_TYPES, requantizeModel} from "./requantize";

export {DEFAULT_DRAFT, DEFAULT_TARGET, MODELS, MODEL_NAMES, findModel, type ModelPart, type ModelSpec} from "./registry";
export {fetchModel, fetchSpec, type Downloader, type FetchOptions, type FetchOutcome} from "./fetch";
export {modelsDir} from "./cache";
export {listRequantized, parseVariant, requantizedPath, requantizeModel, REQUANT_TYPES, type RequantizedInfo, type RequantizeOptions, type RequantType} from "./requantize";

export interface ModelInfo {
    readonly name: string;
    readonly description: string;
    readonly role: ModelRole;
    readonly size: number;
    readonly sha256: string;
    readonly license: string;
    /** The file is in the cache with its expected size (its sha256 was checked when it was fetched). */
    readonly fetched: boolean;
    readonly path: string;
}

export function listModels(): ModelInfo[] {
    return MODELS.map((m) => {
        const file = path.join(modelsDir(), m.file);
        return {
            name: m.name, description: m.description, role: m.role, size: m.size, sha256: m.sha256, license: m.license,
            fetched: fileSize(file) === m.size,
            path: file,
        };
    });
}

/** Where the named model's file is (or will be, once fetched). */
export function modelPath(name: string): string {
    return path.join(modelsDir(), requireSpec(name).file);
}

/** Whether the named model is in the cache with its expected size. */
export function isFetched(name: string): boolean {
    return fileSize(modelPath(name)) === requireSpec(name).size;
}

/**
 * A Hugging Face or web URI for node-llama-cpp (`hf:user/repo:quant`, `huggingface:...`, `https://...gguf`). We
 * pass these through unchanged: the engine hands them to node-llama-cpp's resolveModelFile, which downloads into
 * its own cache. That path needs the internet and is not tested here (the test network has no model hub).
 */
export function isModelUri(spec: string): boolean {
    return /^(hf|huggingface):/i.test(spec) || /^https?:\/\//i.test(spec);
}

/**
 * What `--model` accepts, turned into something the engine can load:
 *  - a known name (see MODEL_NAMES): its cached path, fetched first if missing (opts are passed to fetchModel);
 *  - `NAME@q4_0` or `PATH@q4_0`: the model requantized to Q4_0 (see requantize.ts), made on demand and cached;
 *  - a path to an existing file: its absolute path, after checking that it starts with the GGUF magic;
 *  - an `hf:` (or https) URI: unchanged (see isModelUri).
 * Anything else is a one-line PolyspecError.
 */
export async function resolveModel(spec: string, opts: FetchOptions = {}): Promise<string> {
    if (findModel(spec)) return fetchModel(spec, opts);
    if (isModelUri(spec)) return spec;
    const variant = parseVariant(spec);
    if (variant && (findModel(variant.base) || !fs.existsSync(spec))) {
        if (!isRequantType(variant.type)) {
            throw new PolyspecError(`unknown model format "@${variant.type}" in ${spec} (supported: ${REQUANT_TYPES.map((t) => "@" + t).join(", ")})`, "E_USAGE");
        }
        return requantizeModel(variant.base, {type: variant.type, onProgress: opts.onProgress, cancel: opts.cancel});
    }
    return assertGgufFile(spec);
}

function fileSize(file: string): number | undefined {
    try {
        const st = fs.statSync(file);
        return st.isFile() ? st.size : undefined;
    } catch {
        return undefined;
    }
}
