// `npm run try`: opens a real VS Code (code-server) with Polyspec loaded from this checkout and a sample
// workspace, and prints the address to open in a browser. Ctrl+C stops it.
//   PORT=8080 (default; a free one if taken)   POLYSPEC_TRY_DIR=~/.cache/polyspec-try (user data, workspace copy)
// Models: the repository's .cache/models (fetched by `node bin/polyspec.js models fetch`, or by the extension,
// which offers the download on first use).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {baseSettings, copyDir, ensureTools, freePort, MODELS, ROOT, SAMPLE_WORKSPACE, startServer} from "./lib.mjs";

const dir = process.env.POLYSPEC_TRY_DIR || path.join(os.homedir(), ".cache", "polyspec-try");
const ws = path.join(dir, "workspace");
ensureTools();
fs.mkdirSync(dir, {recursive: true});
if (!fs.existsSync(ws)) copyDir(SAMPLE_WORKSPACE, ws);
const wanted = Number(process.env.PORT || 8080);
const port = (await portFree(wanted)) ? wanted : await freePort();
const server = await startServer({
    dir, folder: ws, port,
    settings: baseSettings({"polyspec.modelsFolder": MODELS, "workbench.startupEditor": "none", "security.workspace.trust.enabled": true}),
    env: {POLYSPEC_CACHE: path.join(ROOT, ".cache")},
});
const fetched = fs.existsSync(path.join(MODELS, "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"));
console.log(`
  Polyspec in VS Code:  ${server.url}

  Open it in a browser (from another machine: ssh -L ${port}:127.0.0.1:${port} <this host>, then the same address).
  Sample workspace: ${ws}
    translate.txt  select the text, F1 > "Polyspec: Translate Selection..."
    story.txt      cursor at the end, F1 > "Polyspec: Continue Story"
    notes.md       type a sentence and pause: ghost text, Tab accepts
    corpus-de/     F1 > "Polyspec: Train Drafter from Files..."; the status bar opens the statistics
  Model: ${fetched ? "qwen2.5-coder-1.5b (already fetched)" : "not fetched yet: the extension offers to download qwen2.5-coder-1.5b (1.1 GB) on first use"}
  Log: ${path.join(dir, "server.log")}. Ctrl+C stops the server.
`);
const stop = async () => { await server.stop(); process.exit(0); };
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => {}, 1 << 30);

function portFree(p) {
    return new Promise((resolve) => {
        const s = net.createServer();
        s.once("error", () => resolve(false));
        s.listen(p, "127.0.0.1", () => s.close(() => resolve(true)));
    });
}
