import {Engine} from "./src/engine/engine";
import {measure} from "./src/engine/costs";
import {renderPrompt} from "./src/engine/prompt";
import {median} from "./src/core/stats";
async function main() {
  const models = process.argv.slice(2);
  const es = [] as Engine[];
  for (const m of models) { const e = await Engine.create({model: m}); await e.target.prepare(await renderPrompt(e.model, {messages: [{role: "system", content: "You are a helpful assistant."}, {role: "user", content: "Write a story in German that begins with these words."}, {role: "assistant", content: "Es war einmal ein kleiner Drache, der in einem Wald lebte. Er hatte viele Freunde und spielte jeden Tag mit ihnen."}]})); es.push(e); }
  const sizes = [1, 2, 3, 4, 6, 8];
  const all = models.map(() => new Map<number, number[]>());
  for (let r = 0; r < 5; r++) for (let i = 0; i < es.length; i++) {
    const m = await measure(es[i].target, sizes);
    for (const [n, v] of m) { const a = all[i].get(n) ?? []; a.push(v); all[i].set(n, a); }
  }
  for (let i = 0; i < es.length; i++) {
    const s1 = median(all[i].get(1)!);
    console.log(models[i].split("/").pop(), sizes.map((n) => `${n}:${median(all[i].get(n)!).toFixed(1)}ms(${(median(all[i].get(n)!)/s1).toFixed(2)})`).join(" "));
  }
}
main();
