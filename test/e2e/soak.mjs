// The editor soak (issue 14, point 4; test/e2e/run.mjs runs it after the other steps): 200 generations in one
// extension host of a real VS Code (code-server + Chromium), driven as a user drives them: Translate Selection into
// German, French and Japanese and Continue Story from keybindings (user keybindings.json, with the language as the
// command's argument), inline suggestions while typing in a Markdown file, and in every round a story cancelled
// from a keybinding 0 to 200 ms after it starts. What leaks does not depend on the model's size, so that 200
// generations fit in about two minutes of CI time the window generates with SmolLM2-135M (the default model's own
// figures are the other steps') and every generation is short (the polyspec.*.maxTokens settings of this window, each
// at its minimum but inline's: a smaller value is not valid and means the default).
//
// Measured from outside after full garbage collections (test/e2e/exthost.mjs): RSS, JS heap, threads and open file
// descriptors of the extension host, and the node-llama-cpp models, contexts and sequences and the worker threads
// alive in it, at CHECKPOINTS (20, 100, 200 generations). After the warm-up (the first
// checkpoint), RSS and heap may grow by less than MAX_GROWTH_PCT, the models, contexts, sequences and workers must
// stay where they were, and open files and threads within a few of it (FD_SLACK, THREAD_SLACK: one leaked per
// generation would be 180). Each command's edit is undone after it, so the document must end as it began.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {baseSettings, ensureModel, findFiles, freePort, launchBrowser, MODELS, ROOT, startServer} from "../../tools/e2e/lib.mjs";
import {ExtHostProbe} from "./exthost.mjs";
import {flat, Workbench} from "./workbench.mjs";

export const GENERATIONS = Number(process.env.POLYSPEC_E2E_SOAK ?? 200);
const CHECKPOINTS = [0.1, 0.5, 1].map((f) => Math.round(GENERATIONS * f));
const MODEL = "smollm2-135m";
const MAX_GROWTH_PCT = Number(process.env.POLYSPEC_E2E_SOAK_MAX_GROWTH_PCT ?? 5);
const FD_SLACK = 4, THREAD_SLACK = 2;
const SOURCE = "The storm is coming.";
const STORY = `${SOURCE}\nThe lighthouse keeper climbed the narrow stairs every evening and lit the great lamp for the ships at sea.\n`;
const NOTES = "# Harbour notes\n\nThe fisherman pulled his boat onto the beach and looked at the dark sky. He";
// words typed one at a time at the end of the Markdown file, each followed by a pause that asks for an inline
// suggestion; every INLINE_BLOCK words the file's text is replaced by NOTES again, so that the prompt stays short. Unrelated words: the
// model does not predict them (a typed word that begins the cached suggestion makes no new generation)
const WORDS = ("violin copper seventeen quietly orange tuesday marble whistle giraffe velvet lantern pepper glacier " +
    "umbrella saffron thimble nine walnut harbour puzzle cobalt meadow ribbon falcon cinnamon ladder opal tundra kettle " +
    "maple zigzag ember quartz lemon pebble yonder fiddle crimson satchel").split(" ");
const INLINE_BLOCK = 8;
const KEYS = {de: "ctrl+alt+1", fr: "ctrl+alt+2", ja: "ctrl+alt+3", story: "ctrl+alt+4", cancel: "ctrl+alt+5"};
const press = (k) => k.split("+").map((p) => ({ctrl: "Control", alt: "Alt", shift: "Shift"})[p] ?? p).join("+");
// a round of ten actions, the commands in the first editor group, then the inline suggestions in the second one;
// the second story of each round is cancelled 0 to 200 ms after it starts (CANCEL_MS in turn)
const ROUND = ["de", "story", "fr", "cancel", "ja", "inline", "inline", "inline", "inline", "inline"];
const CANCEL_MS = [0, 50, 100, 200];
// a generation as the extension logs it: "translate [cascade] 5 tok, ..." (src/vscode/session.ts)
const GENERATION = /\[info\] (translate|story|inline) \[[^\]]+\] (.*)$/;

/** The extension's log file, read as it grows: generations counted by task, cancelled ones too. */
class GenerationLog {
    constructor(logs) {
        this.logs = logs;
        this.offset = 0;
        this.rest = "";
        this.count = 0;
        this.cancelled = 0;
        this.byTask = {translate: 0, story: 0, inline: 0};
    }

    poll() {
        this.file ??= findFiles(this.logs, /^Polyspec\.log$/)[0];
        if (!this.file) return this.count;
        const size = fs.statSync(this.file).size;
        if (size > this.offset) {
            const fd = fs.openSync(this.file, "r");
            const buf = Buffer.alloc(size - this.offset);
            fs.readSync(fd, buf, 0, buf.length, this.offset);
            fs.closeSync(fd);
            this.offset = size;
            const lines = (this.rest + buf.toString("utf8")).split("\n");
            this.rest = lines.pop();
            for (const line of lines) {
                const m = GENERATION.exec(line);
                if (!m) continue;
                this.count++;
                this.byTask[m[1]]++;
                if (/\(cancelled\)/.test(m[2])) this.cancelled++;
            }
        }
        return this.count;
    }
}


/**
 * Runs the soak as steps of run.mjs (`step`); fills `figures` (also when a check fails) and returns it. `dir`: a
 * fresh folder for this window.
 */
export async function soak({dir, step, log, vsix, out, figures = {}}) {
    const ws = path.join(dir, "ws");
    fs.mkdirSync(ws, {recursive: true});
    fs.writeFileSync(path.join(ws, "soak.txt"), STORY);
    fs.writeFileSync(path.join(ws, "notes.md"), NOTES);
    const inspectPort = await freePort();
    const keybindings = [
        ...["de", "fr", "ja"].map((lang) => ({key: KEYS[lang], command: "polyspec.translateSelection", args: lang, when: "editorTextFocus"})),
        {key: KEYS.story, command: "polyspec.continueStory", when: "editorTextFocus"},
        {key: KEYS.cancel, command: "polyspec.cancel"},
    ];
    let server, browser, probe;
    Object.assign(figures, {generations: 0, samples: [], model: MODEL, maxGrowthPct: MAX_GROWTH_PCT});
    try {
        const wb = await step("soak: start a second window (SmolLM2-135M, short generations, keybindings, the extension host's inspector)", async () => {
            ensureModel(MODEL);
            server = await startServer({dir, folder: ws, port: await freePort(), vsix, keybindings, inspectPort, env: {POLYSPEC_CACHE: path.join(ROOT, ".cache")},
                settings: baseSettings({"polyspec.model": MODEL, "polyspec.modelsFolder": MODELS, "editor.wordWrap": "on", "workbench.editor.enablePreview": false,
                    "polyspec.translation.maxTokens": 16, "polyspec.story.maxTokens": 8, "polyspec.inline.maxTokens": 4, "polyspec.inline.debounceMs": 50,
                    // inline suggestions in the Markdown file only (the commands' plain-text file stays as it is between them);
                    // no output-language check (its second generation after a short translation would interleave with the next command)
                    "polyspec.inline.languages": ["markdown"], "polyspec.checkLanguage": false,
                    // the files stay as they are on disk (code-server saves after a delay by default)
                    "files.autoSave": "off"})});
            browser = await launchBrowser();
            browser.page.on("pageerror", (e) => log("soak pageerror", e.message));
            const w = new Workbench(browser.page, log);
            await w.open(server.url);
            await w.waitStatus(["idle", "ready", "noModel"], 90_000);
            probe = await ExtHostProbe.connect(inspectPort, server.extensionMain);
            log(`extension host: pid ${probe.pid}, inspector on port ${inspectPort}`);
            // the plain-text file in the first editor group, the Markdown file in a second one (Ctrl+1 / Ctrl+2)
            await w.openFile("soak.txt");
            await w.runCommand("View: Split Editor Right");
            await w.openFile("notes.md");
            return w;
        });
        if (!wb) return figures;
        const page = wb.page;
        await step(`soak: ${GENERATIONS} generations in the extension host (translate, continue story, inline, cancellations): memory flat, no leaked contexts, sequences, workers or files`, async () => {
            const gens = new GenerationLog(path.join(dir, "ud/logs"));
            const label = () => wb.statusLabel();
            // waits for a new generation of `task` and the status bar back at ready; false if nothing started within `startMs`
            const settle = async (task, startMs) => {
                const t0 = Date.now();
                const before = gens.byTask[task];
                let started = false;
                for (;;) {
                    gens.poll();
                    const n = gens.byTask[task];
                    const state = /^Polyspec (\w+)/.exec(await label())?.[1];
                    if (state === "busy" || state === "loading") started = true;
                    if (n > before && state === "ready") {
                        await page.waitForTimeout(40);
                        if (/^Polyspec ready/.test(await label())) return true;
                    }
                    if (state === "error") throw new Error(`status bar: ${await label()}`);
                    if (!started && n === before && Date.now() - t0 > startMs) return false;
                    if (started && state === "ready" && Date.now() - t0 > startMs + 5000 && n === before) return false; // another task's run
                    if (Date.now() - t0 > 180_000) throw new Error(`no generation ended after 180 s (status: ${await label()}, ${n} generations)`);
                    await page.waitForTimeout(40);
                }
            };
            let word = 0, action = 0, misses = 0, cancels = 0;
            const sample = async () => {
                const t = Date.now();
                const s = {generations: gens.poll(), ...(await probe.sample()), sampleSeconds: 0};
                s.sampleSeconds = (Date.now() - t) / 1000;
                figures.samples.push(s);
                log(`soak sample after ${s.generations} generations: RSS ${s.rssMB.toFixed(1)} MB, heap ${s.heapMB.toFixed(2)} MB, threads ${s.threads}, fds ${s.fds}, ` +
                    `models ${s.models.open}/${s.models.live}, contexts ${s.contexts.open}/${s.contexts.live}, sequences ${s.sequences.open}/${s.sequences.live}, ` +
                    `workers ${s.workers.open}/${s.workers.live} (open/alive), resources ${JSON.stringify(s.resources)}; measured in ${s.sampleSeconds.toFixed(1)} s`);
            };
            // Ctrl+1 / Ctrl+2, then waits until that group's editor has the keyboard and is the window's active editor
            // (the window title follows it): a command run before would act on the other file. Only when the group
            // changes (the keyboard stays in the editor in between)
            let focused = 0;
            const focus = async (group, file) => {
                if (focused === group) return;
                await page.keyboard.press(`Control+${group}`);
                await page.locator(`.editor-group-container.active .tab.active[aria-label*="${file}"]`).waitFor({timeout: 10_000});
                await page.locator(".editor-group-container.active .monaco-editor.focused").waitFor({timeout: 10_000});
                await page.waitForFunction((f) => document.title.includes(f), file, {timeout: 10_000});
                focused = group;
            };
            const act = async (what) => {
                if (what === "inline") {
                    await focus(2, "notes.md");
                    await page.keyboard.press("Control+End");
                    if (word > 0 && word % INLINE_BLOCK === 0) {
                        // the first text again, in one edit (VS Code seldom asks for a suggestion after it: one that starts is
                        // waited for, and counts)
                        await page.keyboard.press("Control+A");
                        await page.keyboard.insertText(NOTES);
                        await settle("inline", 300);
                        await page.keyboard.press("Escape");
                    }
                    // one input event (as a paste or an input method makes): one request for a suggestion
                    await page.keyboard.insertText(` ${WORDS[word++ % WORDS.length]}`);
                    if (!(await settle("inline", 1200))) misses++;
                    await page.keyboard.press("Escape");
                    return;
                }
                await focus(1, "soak.txt");
                if (what === "story" || what === "cancel") {
                    await page.keyboard.press("Control+End");
                    await page.keyboard.press(press(KEYS.story));
                    if (what === "cancel") {
                        await page.waitForTimeout(CANCEL_MS[cancels++ % CANCEL_MS.length]);
                        await page.keyboard.press(press(KEYS.cancel));
                    }
                } else {
                    await page.keyboard.press("Control+Home");
                    await page.keyboard.press("Shift+End");
                    await page.keyboard.press(press(KEYS[what]));
                }
                if (!(await settle(what === "story" || what === "cancel" ? "story" : "translate", 20_000))) throw new Error(`${what}: no generation (status: ${await label()})`);
                await page.keyboard.press("Control+Z"); // one undo step restores the text (a no-op when nothing was written)
            };
            const t0 = Date.now();
            let next = 0;
            while (gens.poll() < GENERATIONS) {
                await act(ROUND[action % ROUND.length]);
                action++;
                while (next < CHECKPOINTS.length && gens.poll() >= CHECKPOINTS[next]) { await sample(); next++; }
            }
            const seconds = (Date.now() - t0) / 1000;
            await focus(2, "notes.md");
            const notes = await wb.editorFlat();
            await focus(1, "soak.txt");
            const text = await wb.waitEditor((t) => t === flat(STORY), 10_000, "soak.txt as it began");
            await wb.shot(path.join(out, "11-soak.png"));
            Object.assign(figures, {generations: gens.count, byTask: gens.byTask, cancelled: gens.cancelled, inlineMisses: misses, actions: action, seconds});
            log(`soak: ${gens.count} generations in ${seconds.toFixed(0)} s (${JSON.stringify(gens.byTask)}; ${gens.cancelled} cancelled; ${action} actions, ${misses} typed words without a new generation)`);

            // the figures: after the warm-up (the first checkpoint) memory stays flat and every count where it was
            const base = figures.samples.find((s) => s.generations >= CHECKPOINTS[0]);
            const later = figures.samples.filter((s) => s.generations > base.generations);
            const growth = (f) => Math.max(...later.map((s) => (f(s) - f(base)) / f(base) * 100));
            figures.rssGrowthPct = growth((s) => s.rssMB);
            figures.heapGrowthPct = growth((s) => s.heapMB);
            log(`soak growth after ${base.generations} generations: RSS ${figures.rssGrowthPct.toFixed(1)}%, heap ${figures.heapGrowthPct.toFixed(1)}% (limit ${MAX_GROWTH_PCT}%); ` +
                figures.samples.map((s) => `${s.generations}: RSS ${s.rssMB.toFixed(1)} MB, heap ${s.heapMB.toFixed(2)} MB`).join("; "));
            assert.ok(gens.count >= GENERATIONS && later.length >= 1, `${gens.count} generations`);
            assert.ok(gens.byTask.translate >= GENERATIONS / 10 && gens.byTask.story >= GENERATIONS / 20 && gens.byTask.inline >= GENERATIONS / 10, `a mix of tasks: ${JSON.stringify(gens.byTask)}`);
            assert.ok(gens.cancelled >= 3, `cancelled generations: ${gens.cancelled}`);
            assert.equal(text, flat(STORY), "every command's edit undone in one step: the file is as it began");
            assert.ok(notes.startsWith(flat(NOTES)) && notes.split(" ").length - flat(NOTES).split(" ").length <= INLINE_BLOCK, `notes.md reset every ${INLINE_BLOCK} words: ${notes}`);
            assert.ok(base.models.open >= 1 && base.contexts.open >= 1 && base.sequences.open >= 1, `the model is loaded: ${JSON.stringify(base)}`);
            assert.ok(figures.rssGrowthPct < MAX_GROWTH_PCT, `RSS grew ${figures.rssGrowthPct.toFixed(1)}% after the warm-up`);
            assert.ok(figures.heapGrowthPct < MAX_GROWTH_PCT, `the JS heap grew ${figures.heapGrowthPct.toFixed(1)}% after the warm-up`);
            for (const s of later) {
                for (const k of ["models", "contexts", "sequences", "workers"]) assert.deepEqual(s[k], base[k], `${k} after ${s.generations} generations: ${JSON.stringify(s[k])}, after ${base.generations}: ${JSON.stringify(base[k])}`);
                // a file or thread in use for a moment (a log write, a settings read) is not a leak; one per generation would be 180
                assert.ok(s.fds <= base.fds + FD_SLACK, `open files after ${s.generations} generations: ${s.fds}, after ${base.generations}: ${base.fds}`);
                assert.ok(s.threads <= base.threads + THREAD_SLACK, `threads after ${s.generations} generations: ${s.threads}, after ${base.generations}: ${base.threads}`);
            }
        });
    } catch (e) {
        await browser?.page.screenshot({path: path.join(out, "soak-fail.png")}).catch(() => {});
        throw e;
    } finally {
        probe?.close();
        await browser?.close();
        await server?.stop();
    }
    return figures;
}
