// `npm run package`: builds polyspec-<version>-linux-x64.vsix with vsce. node-llama-cpp stays outside the bundle
// (node_modules is packaged, minus other platforms' binaries: see tools/e2e/vscodeignore).
//   POLYSPEC_VSIX_GPU=none   CPU-only package (drops the CUDA and Vulkan binaries: 14 MB instead of 362 MB)
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {ROOT} from "./lib.mjs";

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const cpuOnly = process.env.POLYSPEC_VSIX_GPU === "none";
const out = path.join(ROOT, `${pkg.name}-${pkg.version}-linux-x64${cpuOnly ? "-cpu" : ""}.vsix`);
for (const f of ["dist/extension.js", "dist/worker.js"]) if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} missing: npm run build first`);
const need = ["linux-x64", ...(cpuOnly ? [] : ["linux-x64-cuda", "linux-x64-cuda-ext", "linux-x64-vulkan"])];
for (const b of need) if (!fs.existsSync(path.join(ROOT, "node_modules/@node-llama-cpp", b))) throw new Error(`@node-llama-cpp/${b} is not installed: run npm ci on linux-x64`);
let ignore = path.join(ROOT, "tools/e2e/vscodeignore");
if (cpuOnly) {
    const tmp = path.join(os.tmpdir(), `polyspec-vscodeignore-${process.pid}`);
    fs.writeFileSync(tmp, fs.readFileSync(ignore, "utf8") + "node_modules/@node-llama-cpp/linux-x64-cuda/**\nnode_modules/@node-llama-cpp/linux-x64-cuda-ext/**\nnode_modules/@node-llama-cpp/linux-x64-vulkan/**\n");
    ignore = tmp;
}
const vsce = path.join(ROOT, "node_modules/.bin/vsce");
const args = ["package", "--target", "linux-x64", "--ignoreFile", ignore, "--readme-path", "docs/editor.md", "--skip-license",
    "--allow-missing-repository", "--no-rewrite-relative-links", "--out", out];
console.log(`vsce ${args.join(" ")}`);
const t0 = Date.now();
const r = spawnSync(vsce, args, {cwd: ROOT, stdio: "inherit"});
if (r.status !== 0) process.exit(r.status ?? 1);
const list = spawnSync("unzip", ["-l", out], {encoding: "utf8"}).stdout ?? "";
const binaries = [...new Set([...list.matchAll(/node_modules\/@node-llama-cpp\/([^/]+)\//g)].map((m) => m[1]))].sort();
const size = fs.statSync(out).size;
console.log(`\n${path.relative(ROOT, out)}: ${(size / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(0)} s; node-llama-cpp binaries: ${binaries.join(", ")}`);
const unexpected = binaries.filter((b) => !need.includes(b));
if (unexpected.length) { console.error(`unexpected binaries in the package: ${unexpected.join(", ")}`); process.exit(1); }
console.log(`install: code --install-extension ${path.relative(process.cwd(), out)}   (or Extensions view > ... > Install from VSIX...)`);
