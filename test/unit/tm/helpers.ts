import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const FIXTURES = path.resolve(__dirname, "../../fixtures/tm/project");

export function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-tm-"));
}

/** Every file under a folder with its bytes, to check that nothing was modified. */
export function snapshot(dir: string): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, {withFileTypes: true})) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else out.set(p, fs.readFileSync(p).toString("base64") + ":" + fs.statSync(p).mtimeMs);
        }
    };
    walk(dir);
    return out;
}
