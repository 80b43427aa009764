// How many tokens a speed-up needs before it is more than noise, on this machine: plain decoding of the default
// model on diverse held-out prompts (translation and story, several languages), each run's cumulative tokens and
// decode time recorded after every step. Then "plain against plain": two sides drawn from different runs, each
// side pooled until it holds T tokens (as the statistics panel pools a language's runs), the ratio of their
// tokens/s; its 5th-95th percentile range for each T. The panel shows a speed-up only once both sides hold the
// smallest T whose range lies within +-5% (src/vscode/common/statsStore.ts MIN_SPEEDUP_TOKENS).
//   npx tsx tools/measure-spread.ts [--runs 36] [--max-tokens 96]
import {parseArgs} from "node:util";
import {loadCases} from "../src/bench/cases";
import {mulberry32} from "../src/core/rng";
import {tokensPerSecondSoFar} from "../src/core/stats";
import {Engine} from "../src/engine/engine";
import {DEFAULT_TARGET} from "../src/models/registry";

async function main(): Promise<void> {
    const {values: v} = parseArgs({options: {runs: {type: "string"}, "max-tokens": {type: "string"}}});
    const maxTokens = Number(v["max-tokens"] ?? 96);
    const engine = await Engine.create({model: DEFAULT_TARGET});
    try {
        const cases = [];
        for (const lang of ["de", "zh", "ru", "ja", "fr", "es"]) cases.push(...await loadCases("translate", lang, 3, 32), ...await loadCases("story", lang, 3, 24));
        const n = Math.min(Number(v.runs ?? 36), cases.length);
        await engine.generate(cases[0].prompt, undefined, {maxTokens: 8, k: 0, adaptive: false}); // warm-up
        // per run: [tokens, decode ms] after each step
        const runs: [number, number][][] = [];
        for (const c of cases.slice(0, n)) {
            const steps: [number, number][] = [];
            await engine.generate(c.prompt, undefined, {maxTokens, k: 0, adaptive: false, onStats: (s) => steps.push([s.tokens, s.tokens / tokensPerSecondSoFar(s) * 1000])});
            runs.push(steps);
            process.stderr.write(`\r${runs.length}/${n} runs`);
        }
        process.stderr.write("\n");
        const rng = mulberry32(7);
        const pick = () => runs[Math.floor(rng.next() * runs.length)];
        // pools runs (each cut at a random length, as editor runs differ in length) until T tokens
        const side = (T: number) => {
            let tokens = 0, ms = 0;
            while (tokens < T) {
                const r = pick();
                const cut = r[Math.min(r.length - 1, Math.floor(rng.next() * r.length))];
                const take = Math.min(cut[0], T - tokens);
                const at = r.find((x) => x[0] >= take) ?? cut;
                tokens += at[0]; ms += at[1];
            }
            return tokens / ms;
        };
        console.log("tokens per side | plain/plain tokens/s ratio, 5th-95th percentile (2000 draws) | within +-5%?");
        for (const T of [4, 8, 16, 32, 64, 128, 256, 512, 1024]) {
            const ratios = Array.from({length: 2000}, () => side(T) / side(T)).sort((a, b) => a - b);
            const lo = ratios[100], hi = ratios[1899];
            console.log(`${String(T).padStart(5)} | ${lo.toFixed(3)} - ${hi.toFixed(3)} | ${lo >= 0.95 && hi <= 1.05 ? "yes" : "no"}`);
        }
    } finally {
        await engine.dispose();
    }
}

void main().catch((e) => { console.error(e); process.exitCode = 1; });
