import os from "node:os";
import type * as NLC from "node-llama-cpp";

/** node-llama-cpp is ESM-only: load it with a dynamic import (esbuild keeps it external). */
let lib: Promise<typeof NLC> | undefined;
export function nodeLlamaCpp(): Promise<typeof NLC> {
    return lib ??= import("node-llama-cpp");
}

export type GpuChoice = "auto" | "cpu" | "cuda" | "vulkan";

let llamaPromise: Promise<NLC.Llama> | undefined;
let llamaGpu: GpuChoice | undefined;

/**
 * The process-wide llama instance. `gpu: "auto"` lets node-llama-cpp use CUDA or Vulkan when a GPU is present and
 * fall back to the CPU; "cpu" forces the CPU. Never builds from source (`build: "never"`): the prebuilt binaries
 * ship in the @node-llama-cpp/* packages.
 */
export async function getLlamaInstance(gpu: GpuChoice = (process.env.POLYSPEC_GPU as GpuChoice) || "auto"): Promise<NLC.Llama> {
    if (llamaPromise && llamaGpu === gpu) return llamaPromise;
    if (llamaPromise) await (await llamaPromise).dispose();
    llamaGpu = gpu;
    llamaPromise = (async () => {
        const {getLlama, LlamaLogLevel} = await nodeLlamaCpp();
        // llama.cpp's own log lines (e.g. "failed to read tensor info" before a load error) are kept out of the
        // user's terminal: our errors say what happened; POLYSPEC_DEBUG=1 shows them
        const logger = (level: NLC.LlamaLogLevel, message: string) => { if (process.env.POLYSPEC_DEBUG) console.error(`[llama.cpp ${level}] ${message}`); };
        return getLlama({gpu: gpu === "cpu" ? false : gpu, build: "never", logLevel: LlamaLogLevel.warn, logger, maxThreads: cores()});
    })();
    return llamaPromise;
}

/** Physical parallelism we may use: node-llama-cpp's default of 4 threads is hundreds of times slower on 2 cores. */
export function cores(): number {
    const env = Number(process.env.POLYSPEC_THREADS);
    if (Number.isInteger(env) && env > 0) return env;
    return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}
