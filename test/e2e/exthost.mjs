// Measures code-server's extension host from outside, for the soak (test/e2e/soak.mjs): the process's memory,
// threads and file descriptors from /proc, and, through Node's inspector (the host is started with VS Code's
// --inspect-extensions, tools/e2e/lib.mjs), its JS heap after a full garbage collection and the node-llama-cpp
// models, contexts and context sequences and the worker threads alive in it. Nothing in the extension serves
// this: the inspector reads the real objects (Runtime.queryObjects on their classes' prototypes).
import fs from "node:fs";
import {createRequire} from "node:module";

const WS = globalThis.WebSocket ?? createRequire(import.meta.url)("playwright-core/lib/utilsBundle").ws;
const GROUP = "polyspec-soak";

export class ExtHostProbe {
    /**
     * Connects to the extension host's inspector on `port` (waits until it listens: the host starts with the
     * window). `extensionMain`: the extension's main file, from which node-llama-cpp is resolved as the
     * extension resolves it (the same module instance, so the same classes).
     */
    static async connect(port, extensionMain, timeout = 90_000) {
        let target;
        for (const end = Date.now() + timeout; !target; await new Promise((r) => setTimeout(r, 500))) {
            try { target = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json())[0]; } catch { /* not yet */ }
            if (!target && Date.now() > end) throw new Error(`the extension host's inspector did not answer on port ${port}`);
        }
        const sock = new WS(target.webSocketDebuggerUrl);
        await new Promise((resolve, reject) => { sock.addEventListener("open", resolve); sock.addEventListener("error", reject); });
        const probe = new ExtHostProbe(sock, extensionMain);
        probe.pid = await probe.value("process.pid");
        return probe;
    }

    constructor(sock, extensionMain) {
        this.sock = sock;
        this.extensionMain = extensionMain;
        this.id = 0;
        this.pending = new Map();
        sock.addEventListener("message", (e) => {
            const m = JSON.parse(String(e.data));
            const p = m.id && this.pending.get(m.id);
            if (!p) return;
            this.pending.delete(m.id);
            if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`)); else p.resolve(m.result);
        });
    }

    send(method, params = {}) {
        return new Promise((resolve, reject) => {
            const id = ++this.id;
            this.pending.set(id, {resolve, reject, method});
            this.sock.send(JSON.stringify({id, method, params}));
        });
    }

    /** Evaluates `expression` in the extension host; returns its value (JSON) or, with byRef, its remote object id. */
    async evaluate(expression, {byRef = false, awaitPromise = false} = {}) {
        const r = await this.send("Runtime.evaluate", {expression, returnByValue: !byRef, awaitPromise, objectGroup: GROUP});
        if (r.exceptionDetails) throw new Error(`extension host: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
        return byRef ? r.result.objectId : r.result.value;
    }

    value(expression) { return this.evaluate(expression); }

    /**
     * Runs `fn` (an async function's source, `(vscode, arg) => ...`) in the extension host with the extension's own
     * `vscode` API (required as the extension requires it, from its main file: VS Code hands each extension its API by
     * the requiring file's path) and `arg` (JSON); returns its result (JSON). What a test does there is what another
     * extension or the user could do: change a setting, close an editor.
     */
    api(fn, arg = null) {
        const main = JSON.stringify(this.extensionMain);
        return this.evaluate(`(async () => { const vscode = process.getBuiltinModule("module").createRequire(${main})("vscode");
            return await (${fn})(vscode, ${JSON.stringify(arg)}); })()`, {awaitPromise: true});
    }

    /** The prototypes whose live instances are counted (looked up once node-llama-cpp is loaded). */
    async prototypes() {
        const main = JSON.stringify(this.extensionMain);
        // node-llama-cpp is an ES module the extension import()s: imported the same way (the main context's loader,
        // resolved from the extension's file) it is the module already loaded, not a second copy
        const lib = `(() => { const vm = process.getBuiltinModule("vm"); return new vm.Script('import("node-llama-cpp")', {filename: ${main},
            importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER}).runInThisContext(); })()`;
        const classes = {models: "LlamaModel", contexts: "LlamaContext", sequences: "LlamaContextSequence"};
        const out = {};
        for (const [k, name] of Object.entries(classes)) out[k] = await this.evaluate(`${lib}.then((m) => m.${name}.prototype)`, {byRef: true, awaitPromise: true});
        out.workers = await this.evaluate(`process.getBuiltinModule("worker_threads").Worker.prototype`, {byRef: true});
        return out;
    }

    /**
     * One measurement, after full garbage collections: RSS, threads and open file descriptors of the process
     * (/proc), its JS heap, the node-llama-cpp objects alive and how many of them are not disposed, the worker
     * threads running, and libuv's active resources by type. (Each Runtime.queryObjects collects all the garbage
     * it can first, as HeapProfiler.collectGarbage does, so the heap is read after them.)
     */
    async sample() {
        this.protos ??= await this.prototypes();
        const counts = {};
        for (const [k, protoId] of Object.entries(this.protos)) {
            const {objects} = await this.send("Runtime.queryObjects", {prototypeObjectId: protoId, objectGroup: GROUP});
            // the instances (not the prototypes of subclasses, which the query returns too); open: not disposed, or a
            // worker whose thread runs
            const test = k === "workers" ? "o.threadId >= 0" : "!o.disposed";
            const fn = `function () {
                const all = this.filter((o) => !Object.prototype.hasOwnProperty.call(o, "constructor"));
                let open = 0;
                for (const o of all) try { if (${test}) open++; } catch { /* not an instance */ }
                return {live: all.length, open};
            }`;
            const r = await this.send("Runtime.callFunctionOn", {objectId: objects.objectId, functionDeclaration: fn, returnByValue: true});
            if (r.exceptionDetails) throw new Error(`extension host, counting ${k}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
            counts[k] = r.result.value;
            await this.send("Runtime.releaseObject", {objectId: objects.objectId});
        }
        const proc = await this.value(`JSON.stringify({heap: process.memoryUsage().heapUsed, resources: process.getActiveResourcesInfo()})`).then(JSON.parse);
        const status = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
        const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1]);
        const resources = {};
        for (const r of proc.resources) resources[r] = (resources[r] ?? 0) + 1;
        return {rssMB: field("VmRSS") / 1024, heapMB: proc.heap / 2 ** 20, threads: field("Threads"), fds: fs.readdirSync(`/proc/${this.pid}/fd`).length,
            models: counts.models, contexts: counts.contexts, sequences: counts.sequences, workers: counts.workers, resources};
    }

    close() {
        this.sock.close();
    }
}
