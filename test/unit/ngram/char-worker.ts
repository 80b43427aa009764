/** A training worker entry for the tests: like src/engine/train-worker.ts, with the character tokenizer. */
import {parentPort, workerData} from "node:worker_threads";
import {serveTraining, type TrainJob} from "../../../src/drafters/ngram/worker";
import {CharTokenizer} from "./helpers";

if (parentPort) {
    void serveTraining(parentPort, workerData as TrainJob, async (model) => {
        if (model === "missing") throw new Error("no such model");
        return new CharTokenizer(model);
    });
}
