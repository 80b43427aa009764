// Worker bootstrap for the tests: lets a worker thread load the TypeScript entry src/tm/worker-main.ts through tsx
// (the editor runs the same entry bundled, dist/tm-worker.js).
require("tsx/cjs");
require("../../../src/tm/worker-main.ts");
