import assert from "node:assert/strict";
import {CATALOG, catalogChoices, catalogPickItems, findCatalogEntry, findCatalogFileByUri} from "../../src/models/catalog";
import {findModel, MODEL_NAMES} from "../../src/models/registry";

const GiB = 1024 ** 3;

describe("model catalog for a GPU", () => {
    it("has unique ids apart from the pinned names, hf: file URIs, and a 64-hex sha256 with its source for every file", () => {
        const ids = CATALOG.map((c) => c.id);
        assert.equal(new Set(ids).size, ids.length);
        for (const id of ids) assert.ok(!MODEL_NAMES.includes(id), id);
        for (const c of CATALOG) {
            for (const f of [c.target, c.draft]) {
                if ("registry" in f) { assert.ok(findModel(f.registry), `${c.id}: pinned draft ${f.registry}`); continue; }
                assert.match(f.uri, /^hf:[^/\s]+\/[^/\s]+\/\S+\.gguf$/, c.id);
                assert.ok(f.uri.endsWith("/" + f.file), `${c.id}: cached under its own file name`);
                assert.match(f.sha256 ?? "", /^[0-9a-f]{64}$/, c.id);
                assert.match(f.sha256Source ?? "", /LocalAI gallery.*added in [0-9a-f]{9}/, c.id);
            }
            assert.ok(c.minVramBytes > c.target.approxBytes, c.id);
        }
        assert.ok(CATALOG.some((c) => c.family === "gemma3") && CATALOG.some((c) => c.family === "qwen3"));
    });

    it("recommends the largest pair of each family that fits the free GPU memory", () => {
        const at = (free: number) => catalogChoices({gpu: "cuda: NVIDIA GeForce RTX 3060", totalBytes: 12 * GiB, freeBytes: free});
        const rec = (free: number) => at(free).filter((c) => c.recommended).map((c) => c.entry.id).sort();
        assert.deepEqual(rec(11 * GiB), ["gemma3-12b-it", "qwen3-14b"]);
        assert.deepEqual(rec(4 * GiB), ["gemma3-4b-it", "qwen3-4b"]);
        assert.deepEqual(rec(2 * GiB), ["gemma3-1b-it"]);
        assert.deepEqual(rec(0.5 * GiB), []);
        const c = at(4 * GiB).find((x) => x.entry.id === "gemma3-12b-it")!;
        assert.equal(c.fits, false);
        assert.match(c.reason, /needs ~8\.0 GiB of GPU memory, only 4\.0 GiB free on cuda: NVIDIA GeForce RTX 3060/);
    });

    it("offers nothing as fitting without a GPU, and says the pinned CPU defaults are the choice", () => {
        for (const v of [undefined, {gpu: false as const, totalBytes: 0, freeBytes: 0}]) {
            const cs = catalogChoices(v);
            assert.equal(cs.length, CATALOG.length);
            assert.ok(cs.every((c) => !c.fits && !c.recommended && /no GPU detected: the pinned default models run on the CPU/.test(c.reason)));
        }
    });

    it("gives Select Model its items: recommended first, then fitting, with the setting values to store", () => {
        const items = catalogPickItems({gpu: "vulkan: AMD Radeon RX 7600", totalBytes: 8 * GiB, freeBytes: 6 * GiB});
        assert.equal(items.length, CATALOG.length);
        const firstNotRecommended = items.findIndex((i) => !i.description.startsWith("recommended"));
        assert.ok(firstNotRecommended >= 1 && items.slice(firstNotRecommended).every((i) => !i.description.startsWith("recommended")));
        const gemma = items.find((i) => i.label === "gemma3-4b-it")!;
        assert.equal(gemma.model, "hf:lmstudio-community/gemma-3-4b-it-GGUF/gemma-3-4b-it-Q4_K_M.gguf");
        assert.equal(gemma.drafter, "model:gemma3-270m");
        // the setting's own pattern (package.json polyspec.model) accepts the stored URI
        assert.match(gemma.model, /^(hf|huggingface):[^/\s]+\/\S+$/);
        assert.match(items.find((i) => i.label === "qwen3-8b")!.drafter, /^model:hf:MaziyarPanahi\/Qwen3-0\.6B-GGUF\//);
    });

    it("finds a catalog file by its hf: URI (either prefix), so a URI chosen in the editor is still hash-checked", () => {
        const e = findCatalogEntry("gemma3-1b-it")!;
        assert.equal(findCatalogFileByUri(e.target.uri), e.target);
        assert.equal(findCatalogFileByUri(e.target.uri.replace(/^hf:/, "huggingface:")), e.target);
        assert.equal(findCatalogFileByUri("hf:someone/else/model.gguf"), undefined);
        assert.equal(findCatalogEntry("nope"), undefined);
    });
});
