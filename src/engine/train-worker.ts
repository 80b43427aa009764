/**
 * Worker-thread entry for n-gram training (bundled to dist/worker.js): loads the model's tokenizer here (the pure
 * training code in src/drafters/ngram must not import node-llama-cpp) and serves one TrainJob.
 */
import {parentPort, workerData} from "node:worker_threads";
import {serveTraining, type TrainJob} from "../drafters/ngram/worker";
import {LoadedModel} from "./model";

if (parentPort) {
    void serveTraining(parentPort, workerData as TrainJob, (model, onProgress) => LoadedModel.open(model, {gpu: "cpu", onProgress}));
}
