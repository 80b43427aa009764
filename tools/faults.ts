/**
 * Reliability figures (issue 14): the cancellation storm and the soak on a real quantized model, printed.
 *
 *   flock /tmp/polyspec-model.lock node --expose-gc --import tsx tools/faults.ts [--model smollm2-135m]
 *       [--storm 100] [--soak 1000] [--at 25,50,100,200,...,1000] [--json]
 *
 * Storm: N generations (plain, lookup, cascade; greedy and sampled; translation and story prompts) each cancelled at
 * a random moment, each followed by a probe whose output must equal a fresh engine's (a difference only at a counted
 * near-tie). Soak: M mixed generations in one engine, every 7th cancelled after a few tokens; RSS, heap, open file
 * descriptors and libuv resources after the listed generations (garbage collected first). The short versions run in
 * `npm test` (test/engine/faults.test.ts).
 */
import {parseArgs} from "node:util";
import {cancellationStorm, soak, type FaultRequest} from "../src/bench/faults";
import {divergence} from "../src/bench/divergence";
import {storyPrompt, translationPrompt} from "../src/core/tasks";
import {LookupDrafter} from "../src/drafters/lookup";
import {cascadeOf} from "../src/engine/drafters";
import {Engine} from "../src/engine/engine";

const {values: v} = parseArgs({options: {model: {type: "string"}, storm: {type: "string"}, soak: {type: "string"}, at: {type: "string"}, json: {type: "boolean"}}});
const model = v.model ?? "smollm2-135m";
const stormRounds = Number(v.storm ?? 100), soakN = Number(v.soak ?? 1000);
const at = (v.at ?? "25,50,100,200,300,400,500,600,700,800,900,1000").split(",").map(Number).filter((n) => n <= soakN);

const prompts = [
    translationPrompt("Select the cells that you want to copy.", "fr"), translationPrompt("The river is high and the bridges are broken.", "de"),
    translationPrompt("Every evening the fishermen pulled their boats onto the sand.", "zh"),
    storyPrompt("The wind howled over the hills.", "en"), storyPrompt("Der alte Leuchtturm stand am Rand der Klippe.", "de"),
];
const requests: FaultRequest[] = prompts.flatMap((prompt) => [
    {prompt, drafter: () => undefined, maxTokens: 48},
    {prompt, drafter: () => new LookupDrafter(), maxTokens: 48},
    {prompt, drafter: () => cascadeOf(), maxTokens: 48, temperature: 0.8},
]);

(async () => {
    if (!(globalThis as {gc?: unknown}).gc) console.error("note: run with node --expose-gc for memory figures after garbage collection");
    const out: Record<string, unknown> = {model};
    if (stormRounds > 0) {
        const probe: FaultRequest = {prompt: translationPrompt("The old wizard looked at the young prince.", "de"), drafter: () => undefined, maxTokens: 32};
        const fresh = await Engine.create({model});
        const reference = (await fresh.generate(probe.prompt, undefined, {maxTokens: 32, k: 0, adaptive: false})).tokens;
        await fresh.dispose();
        const engine = await Engine.create({model});
        let nearTies = 0;
        const t0 = performance.now();
        const r = await cancellationStorm(engine, requests, probe, reference, {rounds: stormRounds, seed: 21,
            same: async (a, b) => {
                const d = await divergence(engine, probe.prompt, b, a);
                if (d) nearTies += d.nearTie ? 1 : 0;
                return !d || d.nearTie;
            },
            onRound: (i) => { if (!v.json && i % 10 === 0) process.stderr.write(`storm ${i}/${stormRounds}\r`); }});
        await engine.dispose();
        out.storm = {rounds: r.rounds, points: r.points, mismatches: r.mismatches, probesAtNearTie: nearTies, seconds: Math.round((performance.now() - t0) / 1000)};
        if (!v.json) console.log(`cancellation storm (${model}): ${r.rounds} rounds, cancelled at ${JSON.stringify(r.points)}; probe after each = fresh engine's: ${r.rounds - r.mismatches.length} of ${r.rounds}` +
            ` (${nearTies} at a near-tie); mismatches: ${r.mismatches.length ? r.mismatches.join("; ") : "none"}`);
    }
    if (soakN > 0) {
        const engine = await Engine.create({model});
        const t0 = performance.now();
        const r = await soak(engine, requests, {generations: soakN, at, seed: 4, cancelEvery: 7,
            onGeneration: (i) => { if (!v.json && i % 25 === 0) process.stderr.write(`soak ${i}/${soakN}\r`); }});
        await engine.dispose();
        const first = r.samples[0], last = r.samples[r.samples.length - 1];
        const growth = (a: number, b: number) => ((b - a) / a) * 100;
        // RSS after the warm-up (the first 100 generations) moves both ways by a few percent (the native allocator
        // returns memory now and then): the range of the samples from there on says more than two of them
        const warm = r.samples.filter((s) => s.generations >= 100);
        const range = warm.length ? {minMB: Math.min(...warm.map((s) => s.rssMB)), maxMB: Math.max(...warm.map((s) => s.rssMB))} : undefined;
        out.soak = {generations: soakN, cancelled: r.cancelled, tokens: r.tokens, samples: r.samples, rssGrowthPct: growth(first.rssMB, last.rssMB), heapGrowthPct: growth(first.heapMB, last.heapMB),
            rssAfterWarmup: range && {...range, spreadPct: growth(range.minMB, range.maxMB)}, seconds: Math.round((performance.now() - t0) / 1000)};
        if (!v.json) {
            console.log(`soak (${model}): ${soakN} generations, ${r.cancelled} cancelled, ${r.tokens} tokens`);
            for (const s of r.samples) console.log(`  after ${String(s.generations).padStart(5)}: RSS ${s.rssMB.toFixed(1)} MB, heap ${s.heapMB.toFixed(1)} MB, fds ${s.fds}, resources ${JSON.stringify(s.resources)}`);
            console.log(`  growth ${first.generations} -> ${last.generations}: RSS ${growth(first.rssMB, last.rssMB).toFixed(1)}%, heap ${growth(first.heapMB, last.heapMB).toFixed(1)}%`);
            if (range) console.log(`  RSS from generation 100 on: ${range.minMB.toFixed(1)} - ${range.maxMB.toFixed(1)} MB (spread ${growth(range.minMB, range.maxMB).toFixed(1)}%)`);
        }
    }
    if (v.json) console.log(JSON.stringify(out));
})().catch((e) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
