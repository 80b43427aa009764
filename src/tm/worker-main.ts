/**
 * Worker-thread entry for indexing translation files (bundled to dist/tm-worker.js): serves one IndexJob. Pure
 * TypeScript and the importers' libraries only (no model: a memory stores nothing tokenizer-bound).
 */
import {parentPort, workerData} from "node:worker_threads";
import {serveIndexing, type IndexJob} from "./worker";

if (parentPort) void serveIndexing(parentPort, workerData as IndexJob);
