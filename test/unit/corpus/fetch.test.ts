import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {AptFetcher, debVersionFromFile, FetchError, looksLikeMissingLists, type Runner} from "../../../src/corpus/fetch";
import {tmpDir} from "./fixture";

/** A fake apt: packages in `known` download once lists exist; `apt-get update` creates the lists. */
function fakeApt(opts: {listsPresent: boolean; known: string[]}): {run: Runner; calls: string[]} {
    let lists = opts.listsPresent;
    const calls: string[] = [];
    const run: Runner = async (cmd, args, o = {}) => {
        calls.push([cmd, ...args].join(" "));
        if (cmd === "apt-get" && args[0] === "update") {
            lists = true;
            return {code: 0, stdout: "Reading package lists...", stderr: ""};
        }
        if (cmd === "apt-get" && args[0] === "download") {
            const name = args[1]!;
            if (!lists || !opts.known.includes(name)) return {code: 100, stdout: "", stderr: `E: Unable to locate package ${name}\n`};
            fs.writeFileSync(path.join(o.cwd!, `${name}_1%3a2.0-1_all.deb`), `deb of ${name}`);
            return {code: 0, stdout: "", stderr: "W: Download is performed unsandboxed as root\n"};
        }
        if (cmd === "bash") {
            const root = args[4]!;
            fs.mkdirSync(path.join(root, "usr/share/x"), {recursive: true});
            fs.writeFileSync(path.join(root, "usr/share/x/file.txt"), "extracted");
            return {code: 0, stdout: "", stderr: ""};
        }
        return {code: 127, stdout: "", stderr: `unexpected ${cmd}`};
    };
    return {run, calls};
}

describe("corpus: fetching packages", () => {
    it("refreshes apt's lists itself when a download fails because they are missing", async () => {
        const apt = fakeApt({listsPresent: false, known: ["wesnoth-1.16-httt"]});
        const logs: string[] = [];
        const f = new AptFetcher({dir: tmpDir(), run: apt.run, log: (l) => logs.push(l)});
        const t = await f.deb("wesnoth-1.16-httt", ["*.mo"]);
        assert.deepEqual(apt.calls.slice(0, 3), ["apt-get download wesnoth-1.16-httt", "apt-get update", "apt-get download wesnoth-1.16-httt"]);
        assert.equal(t.version, "1:2.0-1");
        assert.equal(fs.readFileSync(path.join(t.root, "usr/share/x/file.txt"), "utf8"), "extracted");
        assert.match(t.sha256, /^[0-9a-f]{64}$/);
        assert.ok(logs.some((l) => l.includes("apt-get update")));
    });

    it("reuses the cached download and extraction", async () => {
        const dir = tmpDir();
        const apt = fakeApt({listsPresent: true, known: ["fortunes-de"]});
        const f = new AptFetcher({dir, run: apt.run});
        const a = await f.deb("fortunes-de", ["x"]);
        const n = apt.calls.length;
        const b = await new AptFetcher({dir, run: apt.run}).deb("fortunes-de", ["x"]);
        assert.equal(apt.calls.length, n, "no apt-get, no extraction the second time");
        assert.deepEqual(a, b);
    });

    it("names a package that cannot be fetched, and refreshes the lists only once", async () => {
        const apt = fakeApt({listsPresent: true, known: []});
        const f = new AptFetcher({dir: tmpDir(), run: apt.run});
        await assert.rejects(f.deb("libreoffice-help-xx", []), (e: unknown) => e instanceof FetchError && e.pkg === "libreoffice-help-xx" && /libreoffice-help-xx: E: Unable to locate package/.test(e.message));
        await assert.rejects(f.deb("fortunes-yy", []), FetchError);
        assert.equal(apt.calls.filter((c) => c === "apt-get update").length, 1);
        await assert.rejects(f.deb("bad name; rm -rf /", []), /not a Debian package name/);
    });

    it("parses versions from apt's file names and recognizes missing-list errors", () => {
        assert.equal(debVersionFromFile("/x/wesnoth-1.16-httt_1%3a1.16.9-1_all.deb"), "1:1.16.9-1");
        assert.ok(looksLikeMissingLists("E: Unable to locate package foo"));
        assert.ok(looksLikeMissingLists("E: Package 'foo' has no installation candidate"));
        assert.ok(!looksLikeMissingLists("E: Failed to fetch http://x 404 Not Found"));
    });
});
