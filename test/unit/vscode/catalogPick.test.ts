import assert from "node:assert/strict";
import {CATALOG, catalogDrafterSpec, findCatalogEntry} from "../../../src/models/catalog";
import {catalogOptions, draftersAfterPick, type CatalogOption, type GpuMemory} from "../../../src/vscode/common/catalogPick";

const GiB = 1024 ** 3;
/** A stand-in for vscode.l10n.t that marks what went through it, so text that bypasses it shows. */
const t = (message: string, ...args: (string | number)[]) => `«${message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]))}»`;
const none = () => false;
const options = (gpu: GpuMemory, cached: (p: object) => boolean = none, current = "") => catalogOptions(gpu, {t, cached, current});
const byId = (os: CatalogOption[], id: string) => os.find((o) => o.id === id)!;
/** The description without what went through t and the icons: nothing may be left. */
const untranslated = (s: string) => s.replace(/«[^»]*»/g, "").replace(/\$\([a-z-]+\)/g, "").replace(/ · /g, "").trim();

describe("Select Model's GPU catalog", () => {
    const rtx = {gpu: "cuda: NVIDIA GeForce RTX 3060", totalBytes: 8 * GiB, freeBytes: 6 * GiB} as const;

    it("lists every catalog pair, recommended first, with the values polyspec.model and polyspec.drafters take", () => {
        const os = options(rtx);
        assert.deepEqual(os.map((o) => o.id).sort(), CATALOG.map((c) => c.id).sort());
        const rank = (o: CatalogOption) => o.description.startsWith("«recommended»") ? 0 : o.fits ? 1 : 2;
        assert.deepEqual(os.map(rank), [...os.map(rank)].sort((a, b) => a - b));
        assert.deepEqual(os.filter((o) => rank(o) === 0).map((o) => o.id).sort(), ["gemma3-4b-it", "qwen3-8b"]);
        const gemma = byId(os, "gemma3-4b-it");
        assert.equal(gemma.model, findCatalogEntry("gemma3-4b-it")!.target.uri);
        assert.equal(gemma.drafter, "model:gemma3-270m");
        assert.equal(byId(os, "qwen3-8b").drafter, "model:hf:MaziyarPanahi/Qwen3-0.6B-GGUF/Qwen3-0.6B.Q4_K_M.gguf");
        for (const o of os) assert.equal(untranslated(o.description), "", o.description);
    });

    it("marks the pairs that do not fit the reported GPU memory and asks before downloading them; the others ask nothing", () => {
        const os = options(rtx);
        for (const o of os) {
            const need = findCatalogEntry(o.id)!.minVramBytes;
            assert.equal(o.fits, need <= rtx.freeBytes, o.id);
            if (o.fits) {
                assert.equal(o.confirm, undefined, o.id);
                assert.ok(!o.description.includes("$(warning)"), o.id);
                assert.match(o.description, /«needs ~\d+\.\d GiB of GPU memory, 6\.0 GiB free»/);
            } else {
                assert.match(o.description, /\$\(warning\) «needs ~\d+\.\d GiB of GPU memory; this machine reports 6\.0 GiB free»/, o.id);
                assert.match(o.confirm ?? "", new RegExp(`^«${o.id} needs about \\d+\\.\\d GiB of GPU memory; cuda: NVIDIA GeForce RTX 3060 reports 6\\.0 GiB free\\..*anyway\\?»$`), o.id);
            }
            assert.match(o.detail, /^«GPU: cuda: NVIDIA GeForce RTX 3060»; /);
        }
        assert.ok(os.some((o) => !o.fits) && os.some((o) => o.fits));
        assert.match(byId(os, "gemma3-27b-it").confirm!, /needs about 17\.8 GiB/);
    });

    it("without a GPU says so on every pair, recommends none and asks before any download", () => {
        const os = options({gpu: false, totalBytes: 0, freeBytes: 0});
        for (const o of os) {
            assert.equal(o.fits, false);
            assert.ok(!o.description.includes("«recommended»"));
            assert.match(o.description, /«no GPU detected \(needs ~\d+\.\d GiB of GPU memory\)»/);
            assert.match(o.detail, /^«No GPU detected: the default models above are the choice for the CPU\.»/);
            assert.match(o.confirm ?? "", new RegExp(`^«No GPU was detected: ${o.id} would run on the CPU`));
        }
    });

    it("when the GPU memory cannot be read, says why and asks before any download", () => {
        const os = options({error: "no prebuilt binary for this platform"});
        for (const o of os) {
            assert.equal(o.fits, false);
            assert.match(o.description, /«GPU memory unknown \(needs ~\d+\.\d GiB\)»/);
            assert.match(o.detail, /^«GPU memory could not be read: no prebuilt binary for this platform»/);
            assert.match(o.confirm ?? "", /^«The GPU memory could not be read \(no prebuilt binary for this platform\), so whether .* fits is unknown/);
        }
    });

    it("gives the download size of what is not cached yet, and marks the cached target and the current model", () => {
        const id = "gemma3-4b-it";
        const entry = findCatalogEntry(id)!;
        // nothing cached: the 2.49 GB target and the pinned Gemma 3 270M (253 MB)
        assert.match(byId(options(rtx), id).description, /«~2\.7 GB download»/);
        assert.match(byId(options(rtx), id).label, /^\$\(cloud-download\) gemma3-4b-it$/);
        // the draft already fetched (as in the default setup): the target only
        const draftCached = (p: object) => "registry" in p;
        assert.match(byId(options(rtx, draftCached), id).description, /«~2\.5 GB download»/);
        const all = byId(options(rtx, () => true, entry.target.uri), id);
        assert.match(all.description, /«downloaded» · «current»$/);
        assert.match(all.label, /^\$\(check\) gemma3-4b-it$/);
        assert.ok(!byId(options(rtx, () => true, entry.target.uri), "gemma3-1b-it").description.includes("«current»"));
    });
});

describe("polyspec.drafters after Select Model", () => {
    const gemmaDraft = catalogDrafterSpec(findCatalogEntry("gemma3-4b-it")!);
    const qwenDraft = catalogDrafterSpec(findCatalogEntry("qwen3-4b")!);

    it("a catalog pair sets its draft model for every language and keeps the per-language entries", () => {
        assert.deepEqual(draftersAfterPick(undefined, gemmaDraft), {"*": "model:gemma3-270m"});
        assert.deepEqual(draftersAfterPick({de: "cascade", "*": "lookup"}, qwenDraft), {de: "cascade", "*": qwenDraft});
        assert.deepEqual(draftersAfterPick({"*": gemmaDraft}, qwenDraft), {"*": qwenDraft});
        assert.equal(draftersAfterPick({"*": gemmaDraft, fr: "none"}, gemmaDraft), undefined); // already so: nothing written
    });

    it("any other model drops a catalog draft from \"*\" and leaves the user's own drafters alone", () => {
        assert.deepEqual(draftersAfterPick({"*": gemmaDraft, de: "cascade"}, undefined), {de: "cascade"});
        assert.deepEqual(draftersAfterPick({"*": qwenDraft}, undefined), {});
        assert.equal(draftersAfterPick({"*": "cascade", de: "model:/me/draft.gguf"}, undefined), undefined);
        assert.equal(draftersAfterPick({de: gemmaDraft}, undefined), undefined); // set by the user for one language
        assert.equal(draftersAfterPick(undefined, undefined), undefined);
    });
});
