// Runs in a child process of test/engine/vulkan.test.ts with GGML_VK_VISIBLE_DEVICES=0, so that llama.cpp's Vulkan
// backend sees Mesa's software device (llvmpipe) without touching the test runner's own llama.cpp instance, and so
// that a crash in the driver fails one test instead of killing mocha. Prints one JSON line of facts; the test
// asserts on them.
import {divergence} from "../../../src/bench/divergence";
import type {CostAwarePolicy} from "../../../src/core/policy";
import {storyPrompt} from "../../../src/core/tasks";
import {LookupDrafter} from "../../../src/drafters/lookup";
import {Engine} from "../../../src/engine/engine";
import {readSettings} from "../../../src/vscode/common/settingsModel";

async function main(): Promise<void> {
    const [model] = process.argv.slice(2);
    const maxTokens = Number(process.env.POLYSPEC_VK_TOKENS ?? 24);
    // the editor's path: the polyspec.gpu setting as the editor reads it, passed to Engine.create as engineHost does
    const {settings} = readSettings((key) => key === "gpu" ? {globalValue: "vulkan"} : undefined, true);
    const t0 = performance.now();
    const engine = await Engine.create({model, gpu: settings.gpu, contextSize: 1024});
    const loadMs = performance.now() - t0;
    try {
        const llama = engine.model.model.llama;
        const facts: Record<string, unknown> = {
            setting: settings.gpu, gpu: engine.gpu, devices: await llama.getGpuDeviceNames(), fusionGuard: process.env.GGML_VK_DISABLE_FUSION ?? null,
            gpuLayers: engine.model.model.gpuLayers, totalLayers: engine.model.model.fileInsights.totalLayers, loadMs,
        };
        // a prompt whose greedy continuation repeats, so that context lookup drafts and gets drafts accepted
        const prompt = storyPrompt("The bells rang: ding dong, ding dong, ding dong. The children sang: la la la, la la la, la la la.", "en");
        const plain = await engine.generate(prompt, undefined, {maxTokens, k: 0, adaptive: false});
        // fixed k = 3 verifies batches of 4 after plain steps of 1 (the pattern that crashed Mesa 22.3's llvmpipe)
        const fixed = await engine.generate(prompt, new LookupDrafter(), {maxTokens, k: 3, adaptive: false});
        const fixedDiv = await divergence(engine, prompt, plain.tokens, fixed.tokens);
        // the cost curve measured on this backend (POLYSPEC_CACHE is a fresh folder: nothing cached), then the
        // cost-aware policy, which decides on that very curve
        const t1 = performance.now();
        const curve = await engine.costCurve();
        const curveMs = performance.now() - t1;
        const profile = "story:en";
        const adaptive = await engine.generate(prompt, new LookupDrafter(), {maxTokens, k: 8, profile});
        const policy: CostAwarePolicy = await engine.policy(8, profile);
        const adaptiveDiv = await divergence(engine, prompt, plain.tokens, adaptive.tokens);
        const sizes = Object.keys(curve.toJSON()).map(Number);
        Object.assign(facts, {
            plain: {text: plain.text, tokens: plain.tokens, steps: plain.stats.steps},
            fixed: {tokens: fixed.tokens, drafted: fixed.stats.drafted, accepted: fixed.stats.accepted, steps: fixed.stats.steps, divergence: fixedDiv ?? null},
            curve: {ms: curve.toJSON(), sizes: [Math.min(...sizes), Math.max(...sizes)], measureMs: curveMs, usedByPolicy: policy.cost === curve},
            adaptive: {tokens: adaptive.tokens, drafted: adaptive.stats.drafted, accepted: adaptive.stats.accepted, steps: adaptive.stats.steps, policy: policy.describe(), divergence: adaptiveDiv ?? null},
        });
        process.stdout.write(JSON.stringify(facts) + "\n");
    } finally {
        await engine.dispose();
    }
}

main().catch((e) => { console.error(e); process.exit(1); });
