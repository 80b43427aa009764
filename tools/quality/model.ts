import path from "node:path";
import {cacheRoot} from "../../src/corpus";
import {DEFAULT_TARGET, MODELS} from "../../src/models/registry";

/** The default target model's GGUF file in the cache. */
export function defaultModelPath(): string {
    const m = MODELS.find((x) => x.name === DEFAULT_TARGET);
    if (!m) throw new Error(`no registry entry for ${DEFAULT_TARGET}`);
    return path.join(cacheRoot(), "models", m.file);
}
