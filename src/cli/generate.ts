import fs from "node:fs";
import {PolyspecError} from "../core/errors";
import {acceptanceRate, draftMsPerToken, summary, tokensPerSecond, tokensPerStep, verifyMsPerStep} from "../core/stats";
import {repetitionOptions, storyPrompt, storyRetry, translationPrompt, type PromptSpec} from "../core/tasks";
import {createLanguageIdentifier, outputVerdict} from "../core/langid";
import {canonicalLanguageCode, languageByCode} from "../core/languages";
import {retryHints, verdictName} from "../core/wrongLanguage";
import {createDrafter, DRAFTER_SPECS, withMemory} from "../engine/drafters";
import {Engine} from "../engine/engine";
import {DEFAULT_TARGET} from "../models/registry";
import {defaultTmPath, loadTm, translationRequest, TM_MODES, type TmMode} from "../tm";
import {intFlag, numFlag, parse} from "./args";
import {repetitionNote} from "./notes";
import {sigintCancel} from "./signals";

const USAGE = `polyspec generate [--model M] [--drafter ${DRAFTER_SPECS}] [--ngram FILE] [--draft-model M]
  [--task raw|translate|story --lang X] [--tm FILE|auto] [--tm-mode draft|examples] [--k N] [--fixed-k] [--max-tokens N]
  [--temperature T --top-k K --top-p P --seed S] [--threads N] [--gpu auto|cpu] [--no-retry] [--json] (TEXT | --file F)
  a translation that comes out in another language or script is translated again once, with an instruction to write
  that language only (--no-retry: not); a generation that starts repeating itself stops there (finish "repetition");
  --tm: a translation memory (a .pstm file, or auto: the pair's default, built by 'polyspec tm build|import'); its
  matches draft (draft mode, the default: the output is exactly the plain prompt's) or go into the prompt (examples).`;

export async function run(argv: string[]): Promise<void> {
    const {values: v, positionals} = parse(argv, {
        model: {type: "string"}, drafter: {type: "string"}, ngram: {type: "string"}, "draft-model": {type: "string"},
        task: {type: "string"}, lang: {type: "string"}, k: {type: "string"}, "fixed-k": {type: "boolean"},
        "max-tokens": {type: "string"}, temperature: {type: "string"}, "top-k": {type: "string"}, "top-p": {type: "string"},
        seed: {type: "string"}, threads: {type: "string"}, gpu: {type: "string"}, json: {type: "boolean"}, file: {type: "string"}, "no-retry": {type: "boolean"},
        tm: {type: "string"}, "tm-mode": {type: "string"},
        help: {type: "boolean", short: "h"},
    }, USAGE);
    if (v.help) { console.log(USAGE); return; }
    const text = v.file ? fs.readFileSync(v.file, "utf8") : positionals.join(" ");
    if (!text.trim()) throw new PolyspecError(`nothing to generate from: give a TEXT or --file\nusage: ${USAGE}`, "E_USAGE");
    const task = v.task ?? (v.lang ? "translate" : "raw");
    if (!["raw", "translate", "story"].includes(task)) throw new PolyspecError(`--task must be raw, translate or story, got "${task}"`, "E_USAGE");
    const lang = v.lang === undefined ? undefined : canonicalLanguageCode(v.lang);
    if (task !== "raw" && !lang) throw new PolyspecError(`--task ${task} needs --lang with a language code (e.g. de, zh, sr-Latn)`, "E_USAGE");
    if (v.gpu && !["auto", "cpu", "cuda", "vulkan"].includes(v.gpu)) throw new PolyspecError(`--gpu must be auto, cpu, cuda or vulkan`, "E_USAGE");
    const k = intFlag(v.k, "k", 8, 0, 16);
    const maxTokens = intFlag(v["max-tokens"], "max-tokens", 256, 1, 8192);
    const temperature = numFlag(v.temperature, "temperature", 0, 0, 5);
    const sampling = temperature > 0 ? {temperature, topK: intFlag(v["top-k"], "top-k", 40, 0, 1000), topP: numFlag(v["top-p"], "top-p", 0.95, 0, 1),
        seed: intFlag(v.seed, "seed", Date.now() % 2 ** 31, 0)} : undefined;
    const threads = v.threads === undefined ? undefined : intFlag(v.threads, "threads", 1, 1, 256);
    if (v.tm !== undefined && task !== "translate") throw new PolyspecError("--tm is for --task translate", "E_USAGE");
    const mode = (v["tm-mode"] ?? "draft") as TmMode;
    if (!TM_MODES.includes(mode)) throw new PolyspecError(`--tm-mode must be ${TM_MODES.join(" or ")}, got "${v["tm-mode"]}"`, "E_USAGE");
    // the memory is read before the model loads: a missing or foreign memory is reported at once
    const memory = v.tm === undefined ? undefined : loadTm(v.tm === "auto" ? defaultTmPath({src: "en", tgt: lang!}) : v.tm, {src: "en", tgt: lang!});

    const engine = await Engine.create({model: v.model ?? DEFAULT_TARGET, gpu: v.gpu as never, threads});
    const cancel = sigintCancel();
    try {
        const req = task === "translate" ? translationRequest(text, lang!, engine.model, {memory, mode}) : undefined;
        const prompt: PromptSpec = req?.prompt ?? (task === "story" ? storyPrompt(text, lang!) : {text});
        const drafter = withMemory(req?.drafter, await createDrafter(v.drafter ?? "none", engine.model, {ngram: v.ngram, draftModel: v["draft-model"]}));
        if (memory && !v.json) console.error(req!.matches.length ? `translation memory (${mode}): ${req!.matches.length} match${req!.matches.length > 1 ? "es" : ""}: ${req!.matches.map((m) => `${Math.round(m.score * 100)}%`).join(", ")}` : "translation memory: no match (plain request)");
        const gen = (p: PromptSpec) => engine.generate(p, drafter, {maxTokens, k, adaptive: !v["fixed-k"], sampling, cancel, profile: req?.profile ?? `${task}:${lang ?? "any"}`, repetition: repetitionOptions(task),
            onText: v.json ? undefined : (d) => process.stdout.write(d)});
        let r = await gen(prompt);
        // a story that began to write its opening out again gets one more attempt with the opening's other ending
        let storyRetried: string | undefined;
        const again = task === "story" && !r.cancelled ? storyRetry(text, lang!, r) : undefined;
        if (again) {
            storyRetried = again.blankLine ? "a blank line after the text" : "the text without its blank line";
            if (!v.json) console.error(`\npolyspec: the model began to write the text out again; asking once more with ${storyRetried}:`);
            r = await gen(again.prompt);
        }
        // a translation in another language or script is translated again once (src/core/wrongLanguage.ts)
        let retried: {first: string; how: string; now: string} | undefined;
        if (task === "translate" && !v["no-retry"] && !r.cancelled && r.text.trim()) {
            const id = createLanguageIdentifier();
            if (id.supports(lang!)) {
                await id.ready();
                const first = outputVerdict(lang!, id.identify(r.text));
                const hints = retryHints(first);
                if (hints) {
                    const how = `an instruction to write ${languageByCode(lang!).name} only`;
                    if (!v.json) console.error(`\npolyspec: that came out in ${verdictName(first)}, not ${languageByCode(lang!).name}; translating again with ${how}:`);
                    r = await gen(translationPrompt(text, lang!, hints));
                    const now = outputVerdict(lang!, id.identify(r.text));
                    retried = {first: verdictName(first), how, now: now.kind === "ok" || now.kind === "unknown" ? languageByCode(lang!).name : verdictName(now)};
                }
            }
        }
        await drafter?.dispose?.();
        const s = r.stats;
        if (v.json) {
            console.log(JSON.stringify({text: r.text, finish: r.finish, languageRetry: retried, storyRetry: storyRetried, repetition: r.repetition && {start: r.repetition.start, at: r.repetition.at, distance: r.repetition.distance, echo: r.repetition.echo},
                drafter: r.drafter, cancelled: r.cancelled, promptTokens: r.promptTokens, reusedPromptTokens: r.reusedPromptTokens,
                tm: req && memory ? {mode, matches: req.matches.map((m) => ({score: m.score, source: m.segment.source, target: m.segment.target}))} : undefined,
                stats: s, acceptanceRate: acceptanceRate(s), tokensPerStep: tokensPerStep(s), tokensPerSecond: tokensPerSecond(s),
                draftMsPerToken: draftMsPerToken(s), verifyMsPerStep: verifyMsPerStep(s)}));
        } else {
            process.stdout.write("\n");
            if (r.repetition) console.error(repetitionNote(r.text, r.repetition.echo));
            else if (!r.text.trim() && !r.cancelled) console.error(`polyspec: the model returned nothing (it ended with ${r.finish === "stop" ? "an end-of-turn token" : r.finish}); try another wording, a longer text or another model`);
            if (retried) console.error(`polyspec: the first translation was in ${retried.first}; translated again with ${retried.how}, it is in ${retried.now}.`);
            console.error(`[${r.drafter}] ${summary(s)}, ttft ${s.ttftMs?.toFixed(0) ?? "-"} ms, verify ${verifyMsPerStep(s).toFixed(1)} ms/step${r.cancelled ? " (cancelled)" : ""}`);
        }
    } finally {
        cancel.dispose();
        await engine.dispose();
    }
}
