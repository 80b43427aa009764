// Worker bootstrap for the tests: lets a worker thread load the TypeScript entry char-worker.ts through tsx.
require("tsx/cjs");
require("./char-worker.ts");
