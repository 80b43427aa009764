import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Where fetched models live:
 *   1. $POLYSPEC_MODELS_DIR if set;
 *   2. else $POLYSPEC_CACHE/models if POLYSPEC_CACHE is set;
 *   3. else <package root>/.cache/models (git-ignored).
 * Read at every call, so tests and the editor can point it elsewhere by setting the environment.
 * (The editor should set POLYSPEC_MODELS_DIR to its global storage: an extension's own folder is replaced on update.)
 */
export function modelsDir(): string {
    const direct = process.env.POLYSPEC_MODELS_DIR;
    if (direct) return path.resolve(direct);
    const cache = process.env.POLYSPEC_CACHE;
    if (cache) return path.resolve(cache, "models");
    return path.join(packageRoot(), ".cache", "models");
}

let root: string | undefined;
/**
 * The nearest ancestor of this module's folder that holds a package.json: the repository root both from
 * dist/cli.js (bundled) and from src/models/*.ts (run by tsx).
 */
export function packageRoot(): string {
    if (root) return root;
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "package.json"))) return (root = dir);
        if (path.dirname(dir) === dir) return (root = process.cwd());
    }
}
