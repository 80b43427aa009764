// Q4_K_M against Q4_0 on this machine: decode-step and batch-of-4 times, and a greedy German translation with each.
//   npx tsx tools/requantize/measure.ts [MODEL...] [--rounds N] [--threads N]   (default: the 0.5B and 1.5B Qwens)
// Makes the @q4_0 variants if missing. Both formats of a model are loaded together and measured in alternation,
// round by round, so that other load on the machine hits both alike; the minimum over rounds is reported (it is the
// least disturbed). Nothing is written to the cost-curve cache (<cache>/costs): numbers taken on a busy machine
// would mislead the cost-aware policy later.
import {translationPrompt} from "../../src/core/tasks";
import {measure} from "../../src/engine/costs";
import {Engine} from "../../src/engine/engine";
import {renderPrompt} from "../../src/engine/prompt";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = Number(args[i + 1]); args.splice(i, 2); return v; };
const rounds = opt("--rounds", 5);
const threads = opt("--threads", 0) || undefined;
const models = args.length ? args : ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"];
const PROMPT = translationPrompt("The old wizard looked at the young prince and said: we must leave the city before the orcs arrive.", "de");

async function main(): Promise<void> {
    for (const name of models) {
        const specs = [name, `${name}@q4_0`];
        const engines: Engine[] = [];
        for (const s of specs) engines.push(await Engine.create({model: s, threads, contextSize: 1024}));
        try {
            for (const e of engines) await e.target.prepare(await renderPrompt(e.model, PROMPT));
            const best = engines.map(() => ({one: Infinity, four: Infinity}));
            for (let r = 0; r < rounds; r++) {
                for (let i = 0; i < engines.length; i++) {
                    const m = await measure(engines[i]!.target, [1, 4]);
                    best[i]!.one = Math.min(best[i]!.one, m.get(1)!);
                    best[i]!.four = Math.min(best[i]!.four, m.get(4)!);
                }
            }
            for (let i = 0; i < engines.length; i++) {
                const b = best[i]!;
                console.log(`${specs[i]!.padEnd(24)} step ${b.one.toFixed(1)} ms  batch4 ${b.four.toFixed(1)} ms (${(b.four / b.one).toFixed(2)}x)  [${engines[i]!.model.path}]`);
            }
            for (let i = 0; i < engines.length; i++) {
                const t0 = performance.now();
                const g = await engines[i]!.generate(PROMPT, undefined, {maxTokens: 64, k: 0, adaptive: false});
                const s = (performance.now() - t0) / 1000;
                console.log(`${specs[i]!.padEnd(24)} ${g.tokens.length} tokens in ${s.toFixed(1)} s: ${JSON.stringify(g.text)}`);
            }
        } finally {
            for (const e of engines) await e.dispose();
        }
    }
}

main().catch((e) => { console.error(e); process.exit(1); });
