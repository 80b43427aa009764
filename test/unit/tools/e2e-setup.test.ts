import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");

describe("tools/e2e/setup.sh run from inside npm", () => {
    it("drops the outer npm's environment (user agent, node-gyp, prefix, NODE) and keeps the user's registry settings", function () {
        this.timeout(60_000);
        // `npm run` is how `npm test` reaches setup.sh: the outer npm exports its own npm_* variables to it
        const r = spawnSync("npm", ["run", "-s", "e2e:setup", "--", "--print-env"], {cwd: ROOT, encoding: "utf8",
            env: {...process.env, npm_config_registry: "https://registry.example.test/"}});
        assert.equal(r.status, 0, r.stderr);
        const names = r.stdout.split("\n").filter(Boolean).map((l) => l.split("=")[0]);
        for (const gone of ["npm_config_user_agent", "npm_config_node_gyp", "npm_config_nodedir", "npm_config_local_prefix", "npm_lifecycle_event", "npm_execpath", "INIT_CWD", "NODE"])
            assert.ok(!names.includes(gone), `${gone} still set for the nested install: ${names.join(", ")}`);
        assert.ok(names.includes("npm_config_registry"), "a registry the user set in the environment is kept");
    });
});
