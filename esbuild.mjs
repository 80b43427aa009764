// Bundles the extension, the CLI, the training worker and the translation-memory indexing worker. node-llama-cpp
// is ESM-only and stays external: our code loads it with a dynamic import() (see src/engine/llama.ts).
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");
const common = {
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: true,
    external: ["vscode", "node-llama-cpp", "@node-llama-cpp/*"],
    // jsonc-parser's "main" is a UMD build whose dynamic require()s a bundle cannot follow: bundle its ES build
    alias: {"jsonc-parser": "./node_modules/jsonc-parser/lib/esm/main.js"},
    logLevel: "warning",
};
const entries = [
    {entryPoints: ["src/cli/main.ts"], outfile: "dist/cli.js"},
    {entryPoints: ["src/engine/train-worker.ts"], outfile: "dist/worker.js"},
    {entryPoints: ["src/tm/worker-main.ts"], outfile: "dist/tm-worker.js"},
];
import fs from "node:fs";
if (fs.existsSync("src/vscode/extension.ts")) entries.push({entryPoints: ["src/vscode/extension.ts"], outfile: "dist/extension.js"});
for (const e of entries) {
    if (!fs.existsSync(e.entryPoints[0])) continue;
    const opts = {...common, ...e};
    if (watch) await (await esbuild.context(opts)).watch();
    else await esbuild.build(opts);
}
