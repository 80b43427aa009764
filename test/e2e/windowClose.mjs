// The window closed mid-stream (issue 14, point 5), in the real VS Code (test/e2e/run.mjs runs it after the soak),
// two ways, each at the first chunk a story (default model, up to 400 tokens) writes into an unsaved document:
//  - the page closed (the user closes the tab or the window): the workbench tells the server, which ends the
//    window's extension host at once, as desktop VS Code does when a window closes;
//  - the browser killed (a crash, a dropped connection): nothing tells the server, so the extension host waits for
//    the window to reconnect for the server's reconnection grace time (3 hours by default, GRACE_S here) and the story
//    goes on meanwhile (its edits wait for the window); then the server ends it.
// Either way VS Code closes the extension host's channel to the window, then deactivates the extensions (giving them
// 5 s) and exits. Polyspec's deactivate (src/vscode/extension.ts) cancels the running story, waits for it to stop and
// unloads the model; its log channel is closed by then, so it logs to the extension host's stderr, which the server
// keeps in remoteagent.log (src/vscode/log.ts). Checked from outside, the process being gone: the server's log says
// the extension host exited with code 0 and no signal; Polyspec's deactivation line is there ("model unloaded in N
// ms"), and the extension host's own log shows deactivation well within VS Code's 5 s and no error from Polyspec; the
// file on disk is the opening, as before (the story was never saved); and a new window on the same folder works
// (a story there runs to its end).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {baseSettings, findFiles, freePort, launchBrowser, MODELS, ROOT, startServer} from "../../tools/e2e/lib.mjs";
import {ExtHostProbe} from "./exthost.mjs";
import {storyToFirstChunk} from "./midstream.mjs";
import {flat, Workbench} from "./workbench.mjs";

const GRACE_S = 4;
const FILE = "closing.txt";
const OPENING = "The ferry left the island at dawn.\nOn the deck a girl held a letter she had promised never to open.\n";

const alive = (pid) => { try { return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8")); } catch { return false; } };
/** CPU seconds the process has used (user + system), from /proc. */
function cpuSeconds(pid) {
    try {
        const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        return (Number(f[11]) + Number(f[12])) / 100;
    } catch { return undefined; }
}

/** The pids of the processes whose command line contains `text` (Chromium's, by its user-data folder). */
function pidsWith(text) {
    return fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).filter((d) => {
        try { return fs.readFileSync(`/proc/${d}/cmdline`, "utf8").includes(text); } catch { return false; }
    }).map(Number);
}

/** Runs the checks as steps of run.mjs (`step`) with a server of their own under `dir`; fills `figures`. */
export async function windowClosed({dir, step, log, vsix, figures = {}}) {
    const ws = path.join(dir, "ws");
    fs.mkdirSync(ws, {recursive: true});
    fs.writeFileSync(path.join(ws, FILE), OPENING);
    const inspectPort = await freePort();
    const logs = path.join(dir, "ud/logs");
    const readLogs = (re) => findFiles(logs, re).map((f) => fs.readFileSync(f, "utf8")).join("\n");
    let server, browser, probe;

    /** A browser with the folder's window open (a new extension host, which the probe connects to). */
    const openWindow = async () => {
        browser = await launchBrowser();
        browser.page.on("pageerror", (e) => log("window pageerror", e.message));
        const wb = new Workbench(browser.page, log);
        await wb.open(server.url);
        await wb.waitStatus(["idle", "ready", "noModel"], 90_000);
        probe = await ExtHostProbe.connect(inspectPort, server.extensionMain);
        return wb;
    };

    /**
     * Closes the window with `close()` at the story's first chunk and checks the extension host's end; returns the
     * figures. `reason`: the extension host's log line saying why it ends.
     */
    const closeMidStream = async (what, close, reason, limitS) => {
        const wb = await openWindow();
        const pid = probe.pid;
        await wb.openFile(FILE);
        await wb.waitEditor((t) => t === flat(OPENING), 10_000, FILE);
        await storyToFirstChunk(wb, probe, FILE);
        probe.close();
        probe = undefined;
        const cpuAtClose = cpuSeconds(pid);
        const closedAt = Date.now();
        await close();
        const f = {};
        while (alive(pid)) {
            if (Date.now() - closedAt > limitS * 1000) throw new Error(`${what}: the extension host (pid ${pid}) still runs ${limitS} s after`);
            f.cpuSecondsAfterClose = cpuSeconds(pid) - cpuAtClose;
            await new Promise((r) => setTimeout(r, 100));
        }
        f.endedAfterSeconds = (Date.now() - closedAt) / 1000;
        await browser.close();
        browser = undefined;
        // the logs of that extension host (the server writes its exit a moment after the process is gone)
        const lines = (re, text) => text.split("\n").filter((l) => re.test(l));
        let agentLog = "", agent = [];
        for (const end = Date.now() + 10_000; !(agent = lines(new RegExp(`<${pid}> Extension Host Process exited`), agentLog = readLogs(/^remoteagent\.log$/))).length && Date.now() < end;) await new Promise((r) => setTimeout(r, 200));
        const stderr = lines(new RegExp(`<${pid}><stderr> Polyspec \\[`), agentLog);
        const host = findFiles(logs, /^remoteexthost\.log$/).map((file) => fs.readFileSync(file, "utf8")).find((t) => t.includes(`pid ${pid} `)) ?? "";
        const terminating = lines(/Extension host terminating/, host)[0], exiting = lines(/exiting with code/, host)[0];
        const polyspecErrors = host.slice(host.indexOf(terminating)).split(/\n(?=\d{4}-\d\d-\d\d )/).filter((e) => /\[error\]/.test(e) && /dist[/\\]extension\.js/.test(e));
        log(`${what}:`, JSON.stringify({terminating: terminating?.slice(24), exiting: exiting?.slice(24), exited: agent[0]?.replace(/^.*\] <\d+> /, ""), polyspec: stderr.map((l) => l.replace(/^.*<stderr> /, ""))}));
        assert.ok(terminating, `${what}: VS Code ended the extension host`);
        assert.match(terminating, reason, `${what}: why it ended`);
        assert.match(agent[0] ?? "", /exited with code: 0, signal: null/, `${what}: the extension host exited with code 0, no signal`);
        const deactivated = stderr.find((l) => /Polyspec \[info\] deactivated: .*model unloaded in \d+ ms/.test(l));
        assert.ok(deactivated, `${what}: Polyspec's deactivation unloaded the model`);
        // the story stopped (its last line logged, as cancelled) before the model was unloaded
        const story = stderr.findIndex((l) => /Polyspec \[info\] story \[[^\]]+\] \d+ tok.*\(cancelled\)/.test(l));
        assert.ok(story >= 0 && story < stderr.indexOf(deactivated), `${what}: the story ended, cancelled, before the model was unloaded`);
        f.storyTokens = Number(/\] (\d+) tok/.exec(stderr[story])[1]);
        assert.deepEqual([...polyspecErrors, ...stderr.filter((l) => /Polyspec \[(error|warn)\]/.test(l))], [], `${what}: no error or warning from Polyspec while the window closed`);
        const time = (l) => Date.parse(l.slice(0, 23).replace(" ", "T"));
        f.deactivateSeconds = (time(exiting) - time(terminating)) / 1000;
        f.unloadMs = Number(/unloaded in (\d+) ms/.exec(deactivated)[1]);
        f.cancelled = /cancelled/.test(deactivated);
        log(`${what}: the extension host ended ${f.endedAfterSeconds.toFixed(1)} s after, having used ${f.cpuSecondsAfterClose?.toFixed(1) ?? 0} CPU s; ` +
            `the story cancelled after ${f.storyTokens} tokens; deactivation ${f.deactivateSeconds.toFixed(2)} s (unloading ${f.unloadMs} ms)`);
        assert.ok(f.deactivateSeconds < 4, `${what}: deactivation took ${f.deactivateSeconds} s (VS Code stops waiting at 5 s)`);
        assert.equal(fs.readFileSync(path.join(ws, FILE), "utf8"), OPENING, `${what}: nothing the story wrote reached the disk`);
        return f;
    };

    try {
        const started = await step(`window: start a server for it (the default model, reconnection grace time ${GRACE_S} s)`, async () => {
            server = await startServer({dir, folder: ws, port: await freePort(), vsix, inspectPort, args: ["--reconnection-grace-time", String(GRACE_S)],
                env: {POLYSPEC_CACHE: path.join(ROOT, ".cache")},
                // a long story (it must still run when the window goes); the file stays as it is on disk
                settings: baseSettings({"polyspec.modelsFolder": MODELS, "polyspec.story.maxTokens": 400, "files.autoSave": "off", "workbench.editor.enablePreview": false})});
            return true;
        });
        if (!started) return figures;

        await step("window: the page closed mid-stream: the extension host ends at once, the model unloaded on deactivation, exit code 0, nothing on disk", async () => {
            figures.pageClosed = await closeMidStream("page closed", () => browser.page.close(), /received terminate message from renderer/, 30);
        });

        await step(`window: the browser killed mid-stream: the story goes on for the reconnection grace time (${GRACE_S} s), then the extension host ends as above`, async () => {
            figures.browserKilled = await closeMidStream("browser killed", async () => {
                const pids = pidsWith(browser.userDataDir);
                for (const p of pids) try { process.kill(p, "SIGKILL"); } catch { /* gone */ }
            }, /./, GRACE_S + 40);
            assert.ok(figures.browserKilled.endedAfterSeconds >= GRACE_S, "the extension host waited for a reconnection");
            assert.ok(figures.browserKilled.cpuSecondsAfterClose > 1, "the story went on meanwhile");
            assert.ok(figures.browserKilled.cancelled, "and was cancelled at the end");
        });

        await step("window: a new window on the same folder works after that (its story runs to the end)", async () => {
            const wb = await openWindow();
            await wb.openFile(FILE);
            // the file as saved, or the text the closed window had (VS Code's hot exit may restore an unsaved
            // document): the opening, then whole characters
            const shown = await wb.editorFlat();
            figures.reopened = shown === flat(OPENING) ? "as saved" : "unsaved text restored";
            log(`reopened: ${figures.reopened}`);
            assert.ok(shown.startsWith(flat(OPENING)) && !shown.includes("\ufffd"), `the opening, then whole characters: ${JSON.stringify(shown)}`);
            // the story's line in this window's log (each extension host logs to a file of its own)
            const since = Date.now() - 1000;
            const storyLine = () => readLogs(/^Polyspec\.log$/).split("\n").find((l) => /\[info\] story \[/.test(l) && Date.parse(l.slice(0, 23).replace(" ", "T")) >= since);
            await wb.page.keyboard.press("Control+End");
            await wb.runCommand("Polyspec: Continue Story");
            await wb.waitStatus(["ready"], 240_000);
            let done;
            for (const end = Date.now() + 10_000; !(done = storyLine()) && Date.now() < end;) await wb.page.waitForTimeout(200);
            done ??= "";
            log("the new window's story:", JSON.stringify(done.slice(24)));
            assert.match(done, /story \[[^\]]+\] \d+ tok/, "the new window's story ended");
            assert.doesNotMatch(done, /cancelled/, "and was not cancelled");
        });
        return figures;
    } finally {
        probe?.close();
        await browser?.close();
        await server?.stop();
    }
}
