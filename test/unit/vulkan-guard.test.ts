import assert from "node:assert/strict";
import {guardSoftwareVulkan} from "../../src/engine/llama";

describe("Vulkan guard for Mesa's software device (src/engine/llama.ts)", () => {
    it("turns ggml-vulkan's operator fusion off on llvmpipe only, and says so", () => {
        const env: NodeJS.ProcessEnv = {};
        const logs: string[] = [];
        assert.equal(guardSoftwareVulkan(["llvmpipe (LLVM 15.0.6, 256 bits)"], env, (_l, m) => logs.push(m)), true);
        assert.equal(env.GGML_VK_DISABLE_FUSION, "1");
        assert.match(logs[0], /llvmpipe.*software rasterizer.*GGML_VK_DISABLE_FUSION=1/);
    });

    it("leaves real GPUs and an explicit setting alone", () => {
        const gpu: NodeJS.ProcessEnv = {};
        assert.equal(guardSoftwareVulkan(["NVIDIA GeForce RTX 3090", "AMD Radeon RX 7600 (RADV NAVI33)"], gpu), false);
        assert.equal(gpu.GGML_VK_DISABLE_FUSION, undefined);
        const explicit: NodeJS.ProcessEnv = {GGML_VK_DISABLE_FUSION: ""};
        assert.equal(guardSoftwareVulkan(["llvmpipe (LLVM 15.0.6, 256 bits)"], explicit), false);
        assert.equal(explicit.GGML_VK_DISABLE_FUSION, "");
    });
});
