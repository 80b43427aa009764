import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The cache root of everything Polyspec fetches or builds (models, corpora, drafters, cost curves, benchmark
 * recordings): $POLYSPEC_CACHE, or <package root>/.cache (git-ignored). Read at every call.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
    return env.POLYSPEC_CACHE ? path.resolve(env.POLYSPEC_CACHE) : path.join(packageRoot(), ".cache");
}

/**
 * Where fetched models live:
 *   1. $POLYSPEC_MODELS_DIR if set;
 *   2. else <cache root>/models.
 * Read at every call, so tests and the editor can point it elsewhere by setting the environment.
 * (The editor should set POLYSPEC_MODELS_DIR to its global storage: an extension's own folder is replaced on update.)
 */
export function modelsDir(): string {
    const direct = process.env.POLYSPEC_MODELS_DIR;
    if (direct) return path.resolve(direct);
    return path.join(cacheRoot(), "models");
}

let root: string | undefined;
/**
 * The nearest ancestor of this module's folder whose package.json is Polyspec's: the repository root both from
 * dist/cli.js (bundled) and from src/models/*.ts (run by tsx).
 */
export function packageRoot(): string {
    if (root) return root;
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const pj = path.join(dir, "package.json");
        try {
            if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, "utf8")).name === "polyspec") return (root = dir);
        } catch { /* keep walking */ }
        if (path.dirname(dir) === dir) return (root = process.cwd());
    }
}
