// Two concurrency cases of issue 14 (point 5) in the real VS Code (test/e2e/run.mjs), each at a precise moment: the
// extension host itself, through its inspector (test/e2e/exthost.mjs), notes the first chunk a story streams into
// the document, and the test acts on it while the rest is still to come (the default model writes a few tokens a
// second; a story is up to polyspec.story.maxTokens = 100 of them).
//  - the document closed mid-stream (Ctrl+W; code-server saves a file on close, as after a delay, without asking):
//    the generation is cancelled, the extension says why in its log, the file holds the opening and the text
//    written until the close (whole characters), nothing is written after it, and it reopens as saved;
//  - the user types before the text being written: the story goes on after it, both texts kept; the user types
//    into it (at its end, where the story writes): the story stops, the user's text stays, nothing is written
//    after it, and a warning says why;
//  - training while generating, both ways: Train Drafter while a story streams is refused at once, the story goes
//    on; Continue Story while a drafter trains is refused with the training's name, the document untouched;
//  - the model switched mid-generation (polyspec.model changed in the user settings, as the Settings editor or
//    another extension does): the running generation ends with the model it started with (the switch waits for
//    it), one undo step restores the document, the old model is disposed once it ends, and the next generation
//    loads the new one, which is then the only model alive.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {flat} from "./workbench.mjs";

export const MIDSTREAM_FILE = "midstream.txt";
const FILE = MIDSTREAM_FILE;
export const MIDSTREAM_OPENING = "The harbour was quiet that night.\nThe old sailor sat by the window and told the children about the storm that sank his first ship.\n";
const OPENING = MIDSTREAM_OPENING;
const SWITCH_TO = "smollm2-135m";

/** Counts the changes of the document `name` in the extension host from now on; at the first, sets polyspec.model to `switchTo` if given. */
const WATCH = `async (vscode, [name, switchTo]) => {
    globalThis.__polyspecE2E?.sub.dispose();
    const g = globalThis.__polyspecE2E = {changes: 0, error: null, sub: null};
    g.sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.document.uri.path.endsWith("/" + name) || e.contentChanges.length === 0) return;
        if (g.changes++ === 0 && switchTo) {
            vscode.workspace.getConfiguration("polyspec").update("model", switchTo, vscode.ConfigurationTarget.Global).catch((err) => { g.error = String(err); });
        }
    });
}`;

/**
 * Starts Continue Story at the end of `file` (open in the active editor) and returns once its first chunk is in the
 * document, as the extension host sees it (`probe`: an ExtHostProbe of the window). `switchTo`: a model that
 * polyspec.model is set to at that moment.
 */
export async function storyToFirstChunk(wb, probe, file, {switchTo} = {}) {
    await wb.page.keyboard.press("Control+End");
    await probe.api(WATCH, [file, switchTo ?? null]);
    await wb.runCommand("Polyspec: Continue Story");
    for (const end = Date.now() + 180_000; (await probe.value("globalThis.__polyspecE2E.changes")) === 0; await wb.page.waitForTimeout(50)) {
        if (Date.now() > end) throw new Error(`no text streamed into ${file} (status: ${await wb.statusLabel()})`);
    }
}

/** `probe`: an ExtHostProbe of the window; `extensionLog()`: the Polyspec log so far; `ws`: the workspace folder. */
export async function checkMidStream({page, wb, log, ws, probe, extensionLog}) {
    // the file is written with the workspace (test/e2e/run.mjs): quick open may not list a file written mid-test
    assert.equal(fs.readFileSync(path.join(ws, FILE), "utf8"), OPENING);
    // the log from `mark` on, once it has a line matching `re` (the output channel's file is written a moment later)
    const logSince = async (mark, re, timeout = 10_000) => {
        for (const end = Date.now() + timeout; ; await page.waitForTimeout(200)) {
            const text = extensionLog().slice(mark);
            if (re.test(text) || Date.now() > end) return text;
        }
    };
    await wb.runCommand("View: Focus First Editor Group");
    await wb.openFile(FILE);
    await wb.waitEditor((t) => t === flat(OPENING), 10_000, FILE);

    // 1. the document closed mid-stream
    let mark = extensionLog().length;
    await storyToFirstChunk(wb, probe, FILE);
    await page.keyboard.press("Control+W");
    await page.locator(`.tab[aria-label*="${FILE}"]`).waitFor({state: "detached", timeout: 10_000});
    await wb.waitStatus(["ready"], 60_000);
    let text = await logSince(mark, /\[info\] story \[/);
    log("closed mid-stream, the extension's log:", JSON.stringify(text.split("\n").filter((l) => /story/.test(l)).map((l) => l.slice(24))));
    assert.match(text, /story: the document was closed; generation stopped/, "the extension noticed the document closed");
    assert.match(text, /\[info\] story \[[^\]]+\] \d+ tok.*\(cancelled\)/, "the story was cancelled");
    const saved = fs.readFileSync(path.join(ws, FILE), "utf8");
    log("saved on close:", JSON.stringify(saved.slice(OPENING.length)));
    assert.ok(saved.startsWith(OPENING) && !saved.includes("\ufffd"), `the file: the opening, then whole characters: ${JSON.stringify(saved)}`);
    await page.waitForTimeout(1000);
    assert.equal(fs.readFileSync(path.join(ws, FILE), "utf8"), saved, "nothing written after the close");
    await wb.openFile(FILE);
    await wb.waitEditor((t) => t === flat(saved), 10_000, `${FILE} reopened as saved`);
    await page.keyboard.press("Control+W");
    await page.locator(`.tab[aria-label*="${FILE}"]`).waitFor({state: "detached", timeout: 10_000});
    fs.writeFileSync(path.join(ws, FILE), OPENING);
    await wb.openFile(FILE);
    await wb.waitEditor((t) => t === flat(OPENING), 10_000, FILE);

    // the document back to the opening (one edit through VS Code's API, saved), the cursor at its end
    const reset = async () => {
        await probe.api(`async (vscode, [name, text]) => {
            const doc = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith("/" + name));
            const edit = new vscode.WorkspaceEdit();
            edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
            await vscode.workspace.applyEdit(edit);
            await doc.save();
        }`, [FILE, OPENING]);
        await wb.waitEditor((t) => t === flat(OPENING), 10_000, FILE);
    };

    // a story started at the document's end; at its first chunk the user presses `key` and types `typed`; the log line
    // that ended the story
    const typeMidStream = async (key, typed, what, timeout) => {
        const from = extensionLog().length;
        await storyToFirstChunk(wb, probe, FILE);
        await page.keyboard.press(key);
        await page.keyboard.type(typed);
        const logged = await logSince(from, /\[info\] story \[/, timeout);
        await wb.waitStatus(["ready"], 30_000);
        const end = logged.split("\n").find((l) => /\[info\] story \[/.test(l)) ?? "";
        log(`${what}:`, JSON.stringify(end.slice(24)));
        return end;
    };

    // 3. the user types before the text being written: the story goes on after it, both kept
    assert.doesNotMatch(await typeMidStream("Control+Home", "Note: ", "typed before the streamed text", 240_000), /cancelled/, "typing elsewhere does not stop the story");
    const both = await wb.editorFlat();
    assert.ok(both.startsWith(flat(`Note: ${OPENING}`)) && both.length > flat(`Note: ${OPENING}`).length, `the user's text and the story both kept: ${both}`);
    assert.ok(!both.includes("\ufffd"), "whole characters");
    await reset();

    // 4. the user types into the text being written (at its end, where the story writes): the story stops there,
    // the user's text stays, nothing is written after it, and the user is told why
    assert.match(await typeMidStream("Control+End", "#", "typed into the streamed text", 60_000), /cancelled/, "the story stopped");
    await wb.seeNotification("the text it was writing was edited");
    const edited = await wb.editorFlat();
    assert.ok(edited.startsWith(flat(OPENING)) && edited.slice(flat(OPENING).length).includes("#"), `the opening, then what was written and the user's edit: ${edited}`);
    await page.waitForTimeout(1000);
    assert.equal(await wb.editorFlat(), edited, "nothing written after the edit");
    await reset();

    // 5. training while generating, both ways. Train Drafter while a story streams is refused at once (it returns
    // false; the story goes on, nothing is trained); Continue Story while a drafter trains is refused with the
    // training's name (the document stays as it is); the training is then cancelled (or has ended)
    const corpus = path.join(ws, "corpus-de", "leuchtturm.txt");
    mark = extensionLog().length;
    await storyToFirstChunk(wb, probe, FILE);
    const refused = await probe.api(`async (vscode, file) => {
        const t = Date.now();
        const trained = await vscode.commands.executeCommand("polyspec.trainDrafter", {inputs: [file], lang: "de"});
        return {trained, ms: Date.now() - t};
    }`, corpus);
    text = await logSince(mark, /\[info\] story \[/, 240_000);
    await wb.waitStatus(["ready"], 30_000);
    log("Train Drafter while a story streams:", JSON.stringify(refused), JSON.stringify(text.split("\n").find((l) => /\[info\] story \[/.test(l))?.slice(24)));
    assert.equal(refused.trained, false, "training refused while a story runs");
    assert.doesNotMatch(text.split("\n").find((l) => /\[info\] story \[/.test(l)), /cancelled/, "the story went on");
    assert.doesNotMatch(text, /\[info\] trained /, "nothing trained");
    await wb.seeNotification("(continuing story)");
    await reset();
    // a training long enough to act during it: the sample text many times over, outside the workspace
    const big = path.join(path.dirname(ws), "train-de.txt");
    fs.writeFileSync(big, fs.readFileSync(corpus, "utf8").repeat(2000));
    mark = extensionLog().length;
    await probe.api(`async (vscode, file) => {
        globalThis.__polyspecTrain = Promise.resolve(vscode.commands.executeCommand("polyspec.trainDrafter", {inputs: [file], lang: "de"})).then((trained) => ({trained}), (e) => ({error: String(e)}));
    }`, big);
    await wb.waitStatus(["busy"], 30_000);
    const busyLabel = await wb.statusLabel();
    await wb.runCommand("Polyspec: Continue Story");
    const refusal = await wb.seeNotification("(training a drafter)");
    await probe.api(`async (vscode) => { await vscode.commands.executeCommand("polyspec.cancel"); }`);
    const training = await probe.evaluate("globalThis.__polyspecTrain", {awaitPromise: true});
    await wb.waitStatus(["ready"], 30_000);
    text = extensionLog().slice(mark);
    log("Continue Story while a drafter trains:", JSON.stringify({status: busyLabel, refusal: refusal.split("\n")[0], training}));
    // cancelled, or done before the cancel came: either way it ended, as the log says
    assert.ok(training.trained === false ? /training de cancelled/.test(text) : training.trained === true && /\[info\] trained /.test(text), `the training ended: ${JSON.stringify(training)}`);
    assert.doesNotMatch(text, /\[info\] story -> /, "no story started");
    assert.equal(await wb.editorFlat(), flat(OPENING), "the document as it was");
    fs.rmSync(big);

    // 2. the model switched mid-generation
    mark = extensionLog().length;
    await storyToFirstChunk(wb, probe, FILE, {switchTo: SWITCH_TO});
    // the story's end (the status bar says "idle" from the switch on: the new model loads on next use)
    text = await logSince(mark, /\[info\] story \[/, 240_000);
    await wb.waitStatus(["idle", "ready"], 30_000);
    assert.equal(await probe.value("globalThis.__polyspecE2E.error"), null, "the setting was changed");
    const lines = text.split("\n");
    const at = (re) => lines.findIndex((l) => re.test(l));
    const started = at(/\[info\] story -> /), changed = at(new RegExp(`model settings changed: ${SWITCH_TO} loads on next use`)), ended = at(/\[info\] story \[/);
    log("model switched mid-generation, the extension's log:", JSON.stringify([started, changed, ended].map((i) => lines[i]?.slice(24))));
    assert.ok(started >= 0 && changed > started && ended > changed, "the switch came while the story ran");
    assert.doesNotMatch(lines[ended], /cancelled/, "the running story ended with its model");
    const written = await wb.editorFlat();
    assert.ok(written.startsWith(flat(OPENING)) && written.length > flat(OPENING).length, `the story was written: ${written}`);
    await page.keyboard.press("Control+Z");
    await wb.waitEditor((t) => t === flat(OPENING), 10_000, "one undo step back to the opening");
    // the old model is disposed once its generation ended (the count of models not disposed drops to 0)
    let sample;
    for (let i = 0; i < 5; i++) {
        sample = await probe.sample();
        if (sample.models.open === 0) break;
        await page.waitForTimeout(1000);
    }
    log("after the switch:", JSON.stringify({models: sample.models, contexts: sample.contexts, sequences: sample.sequences}));
    assert.equal(sample.models.open, 0, "the previous model disposed after its generation");
    assert.equal(sample.contexts.open, 0, "its context disposed");
    // the next generation loads the new model
    mark = extensionLog().length;
    await page.keyboard.press("Control+End");
    await wb.runCommand("Polyspec: Continue Story");
    await wb.waitStatus(["ready"], 120_000);
    text = await logSince(mark, /\[info\] story \[/);
    assert.match(text, new RegExp(`loaded ${SWITCH_TO} `), "the next generation loaded the new model");
    assert.match(text, /\[info\] story \[/, "and generated");
    await page.keyboard.press("Control+Z");
    await wb.waitEditor((t) => t === flat(OPENING), 10_000, "one undo step back to the opening");
    sample = await probe.sample();
    log("with the new model:", JSON.stringify({models: sample.models, contexts: sample.contexts, sequences: sample.sequences}));
    assert.equal(sample.models.open, 1, "one model alive");
    assert.equal(sample.contexts.open, 1, "one context alive");
    // back to the default model (unloaded; nothing after this step generates in this window)
    await probe.api(`async (vscode) => { globalThis.__polyspecE2E?.sub.dispose(); await vscode.workspace.getConfiguration("polyspec").update("model", undefined, vscode.ConfigurationTarget.Global); }`);
    return {closedMidStream: {savedOnClose: saved.slice(OPENING.length)}, typedBefore: "story went on, both kept", typedInto: edited.slice(flat(OPENING).length),
        trainingWhileGenerating: {refusedInMs: refused.ms, storyRefusedDuringTraining: true},
        switchedMidGeneration: "finished with its model; the next generation loaded the new one"};
}
