import assert from "node:assert/strict";
import {DEFAULTS, effectiveValue, readSettings, resolvePaths, validateDrafters, type Inspected} from "../../../src/vscode/common/settingsModel";

const inspector = (values: Record<string, Inspected>) => (key: string) => values[key];

describe("settings", () => {
    it("defaults when nothing is set", () => {
        const r = readSettings(() => undefined, true);
        assert.deepEqual(r.settings, DEFAULTS);
        assert.deepEqual([r.problems, r.ignored], [[], []]);
    });

    it("workspace values win over user values when trusted", () => {
        const r = readSettings(inspector({model: {globalValue: "a.gguf", workspaceValue: "b.gguf"}, k: {globalValue: 4, workspaceFolderValue: 2, workspaceValue: 3}}), true);
        assert.equal(r.settings.model, "b.gguf");
        assert.equal(r.settings.k, 2);
    });

    it("untrusted workspace: model and drafter paths from the workspace are ignored, the rest applies", () => {
        const r = readSettings(inspector({
            model: {globalValue: "/home/me/good.gguf", workspaceValue: "/tmp/evil.gguf"},
            drafters: {workspaceValue: {de: "ngram:/tmp/evil.ngram"}},
            drafterFolder: {workspaceFolderValue: "/tmp/x"},
            modelsFolder: {workspaceValue: "/tmp/models"},
            k: {workspaceValue: 3},
        }), false);
        assert.equal(r.settings.model, "/home/me/good.gguf");
        assert.deepEqual(r.settings.drafters, {});
        assert.equal(r.settings.drafterFolder, "");
        assert.equal(r.settings.modelsFolder, "");
        assert.equal(r.settings.k, 3);
        assert.deepEqual(r.ignored.sort(), ["polyspec.drafterFolder", "polyspec.drafters", "polyspec.model", "polyspec.modelsFolder"]);
    });

    it("effectiveValue: falls back to the user value, then the default", () => {
        assert.deepEqual(effectiveValue({defaultValue: 1, workspaceValue: 5}, true, false), {value: 1, ignored: true});
        assert.deepEqual(effectiveValue({defaultValue: 1, globalValue: 2, workspaceValue: 5}, true, false), {value: 2, ignored: true});
        assert.deepEqual(effectiveValue({defaultValue: 1, workspaceValue: 5}, false, false), {value: 5, ignored: false});
    });

    it("invalid values fall back to the default with a one-line problem", () => {
        const r = readSettings(inspector({
            k: {globalValue: 99}, temperature: {globalValue: -1}, gpu: {globalValue: "tpu"}, "translation.insertMode": {globalValue: "above"},
            "inline.languages": {globalValue: "markdown"}, model: {globalValue: "hf:nope"}, threads: {globalValue: 2.5},
        }), true);
        assert.equal(r.settings.k, DEFAULTS.k);
        assert.equal(r.settings.temperature, 0);
        assert.equal(r.settings.gpu, "auto");
        assert.equal(r.settings.insertMode, "replace");
        assert.deepEqual(r.settings.inlineLanguages, ["plaintext", "markdown"]);
        assert.equal(r.settings.model, "");
        assert.equal(r.settings.threads, 0);
        assert.equal(r.problems.length, 7);
        assert.ok(r.problems.every((p) => !p.includes("\n") && p.startsWith("polyspec.")));
        assert.match(r.problems.find((p) => p.includes("polyspec.k"))!, /integer from 0 to 16/);
    });

    it("polyspec.drafters: bad languages and specs are dropped, good ones kept", () => {
        const problems: string[] = [];
        const d = validateDrafters({de: "cascade", xx: "lookup", fr: "magic", "*": "none", zh: " ngram:/a b/zh.ngram "}, problems);
        assert.deepEqual(d, {de: "cascade", "*": "none", zh: "ngram:/a b/zh.ngram"});
        assert.equal(problems.length, 2);
        assert.deepEqual(validateDrafters(["de"], []), {});
    });

    it("resolves path settings against the workspace folder and ~, leaving model names and URIs alone", () => {
        const base = {...DEFAULTS, drafters: {}};
        const r = (o: Partial<typeof DEFAULTS>) => resolvePaths({...base, ...o}, "/ws", "/home/me");
        assert.equal(r({model: "models/x.gguf"}).model, "/ws/models/x.gguf");
        assert.equal(r({model: "~/m/x.gguf"}).model, "/home/me/m/x.gguf");
        assert.equal(r({model: "/abs/x.gguf"}).model, "/abs/x.gguf");
        assert.equal(r({model: "qwen2.5-coder-1.5b"}).model, "qwen2.5-coder-1.5b");
        assert.equal(r({model: "hf:user/repo:Q4_K_M"}).model, "hf:user/repo:Q4_K_M");
        assert.equal(r({model: ""}).model, "");
        assert.deepEqual(r({drafters: {de: "ngram:d/de.ngram", fr: "model:qwen2.5-coder-0.5b", es: "model:m/x.gguf", zh: "cascade"}}).drafters,
            {de: "ngram:/ws/d/de.ngram", fr: "model:qwen2.5-coder-0.5b", es: "model:/ws/m/x.gguf", zh: "cascade"});
        // a draft model's hf: or https: URI (the GPU catalog's Qwen3 0.6B) is a URI, not a relative path
        const qwen3Draft = "model:hf:MaziyarPanahi/Qwen3-0.6B-GGUF/Qwen3-0.6B.Q4_K_M.gguf";
        assert.deepEqual(r({drafters: {"*": qwen3Draft, de: "model:https://example.org/d.gguf"}}).drafters, {"*": qwen3Draft, de: "model:https://example.org/d.gguf"});
        assert.equal(r({modelsFolder: "~/models"}).modelsFolder, "/home/me/models");
        assert.equal(r({drafterFolder: ""}).drafterFolder, "");
    });
});
