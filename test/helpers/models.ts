import fs from "node:fs";
import {modelPath} from "../../src/models";

/**
 * Path of a fetched default model. `npm test` fetches them first (see package.json); when run alone without them,
 * fail loudly with the command to run rather than skipping silently.
 */
export function requireModel(_ctx: Mocha.Context, name: string): string {
    const p = modelPath(name);
    if (!fs.existsSync(p)) throw new Error(`model ${name} is not fetched: run 'node bin/polyspec.js models fetch ${name}' (npm test does it)`);
    return p;
}
