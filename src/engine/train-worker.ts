/**
 * Worker-thread entry for n-gram training (bundled to dist/worker.js): loads the model's tokenizer here (the pure
 * training code in src/drafters/ngram must not import node-llama-cpp) and serves one TrainJob.
 */
import {parentPort, workerData} from "node:worker_threads";
import {serveTraining, type TrainJob} from "../drafters/ngram/worker";
import {getLlamaInstance} from "./llama";
import {LoadedModel} from "./model";

if (parentPort) {
    const port = parentPort;
    void (async () => {
        let opened = false;
        await serveTraining(port, workerData as TrainJob, (model, onProgress) => {
            opened = true;
            return LoadedModel.open(model, {gpu: "cpu", vocabOnly: true, onProgress});
        });
        // Free the native llama instance so that the thread ends cleanly (terminating it with a live one aborts).
        if (opened) await (await getLlamaInstance("cpu")).dispose();
    })();
}
