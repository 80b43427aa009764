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
        const options = {build: "never", logLevel: LlamaLogLevel.warn, logger, maxThreads: cores()} as const;
        const llama = await getLlama({...options, gpu: gpu === "cpu" ? false : gpu});
        // "auto" where a Vulkan loader is installed but no usable device exists (e.g. only Mesa's software rasterizer,
        // which llama.cpp skips unless GGML_VK_VISIBLE_DEVICES names it) loads the Vulkan build with no device at
        // all: everything would run on its CPU fallback while reporting "vulkan". Use the CPU build then.
        if (gpu === "auto" && llama.gpu && (await llama.getGpuDeviceNames()).length === 0 && (await llama.getVramState()).total === 0) {
            await llama.dispose();
            return getLlama({...options, gpu: false});
        }
        if (llama.gpu === "vulkan") guardSoftwareVulkan(await llama.getGpuDeviceNames(), process.env, logger);
        return llama;
    })();
    return llamaPromise;
}

/**
 * Mesa's software Vulkan device, llvmpipe (Debian 12's Mesa 22.3; used when GGML_VK_VISIBLE_DEVICES names it, as
 * the CI's Vulkan tests do), segfaults in its own queue thread when SmolLM2-135M (Q4_1) evaluates a batch of 3
 * tokens with logits at every position after any single-token step in the same context; the first cost-curve
 * measurement does exactly that (1, 4, 1, ... then 3), hence `polyspec generate --gpu vulkan` dying with exit 139.
 * Reproduced with node-llama-cpp alone (load, one controlledEvaluate of 1 token, one of 3). The fault is a call
 * through a NULL object's function table inside libvulkan_lvp.so (fault address 0xe8, `call *0xe8(%rax)` with
 * rax = 0); the Khronos validation layer reports no error in ggml-vulkan's calls before it; batches of 2 or 4..16,
 * a batch of 3 without a single-token step before it, or with logits at its last position only, and Gemma 3 270M
 * and Qwen2.5 0.5B do not crash. With ggml-vulkan's operator fusion off (GGML_VK_DISABLE_FUSION) the same sequence
 * runs: a driver bug met by one fused command sequence, so the guard turns fusion off on llvmpipe only. ggml-vulkan
 * reads the variable when it initialises the device for the first model load, after getLlama has enumerated the
 * devices, so setting it here takes effect (checked). Speed on a software device does not matter; an explicit
 * GGML_VK_DISABLE_FUSION (any value) is left alone. Returns whether it set the variable.
 */
export function guardSoftwareVulkan(deviceNames: readonly string[], env: NodeJS.ProcessEnv, log?: (level: NLC.LlamaLogLevel, message: string) => void): boolean {
    if (env.GGML_VK_DISABLE_FUSION !== undefined || !deviceNames.some((d) => /llvmpipe/i.test(d))) return false;
    env.GGML_VK_DISABLE_FUSION = "1";
    log?.("warn" as NLC.LlamaLogLevel, `Vulkan device ${deviceNames.join(", ")} is Mesa's software rasterizer: ggml-vulkan's operator fusion is turned off (GGML_VK_DISABLE_FUSION=1), see src/engine/llama.ts`);
    return true;
}

/** Physical parallelism we may use: node-llama-cpp's default of 4 threads is hundreds of times slower on 2 cores. */
export function cores(): number {
    const env = Number(process.env.POLYSPEC_THREADS);
    if (Number.isInteger(env) && env > 0) return env;
    return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}
