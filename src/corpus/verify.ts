import fs from "node:fs";
import path from "node:path";
import {findContamination, HeldOut, type Contamination} from "./decontaminate";
import {languagePaths} from "./paths";

/** Reads a JSONL file: one JSON value a line, blank lines ignored. */
export function readJsonl<T = Record<string, string>>(file: string): T[] {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

function readLines(file: string): string[] {
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, "utf8").split("\n").filter((l) => l);
}

/** Language folders of a built corpus (those with a manifest). */
export function builtLanguages(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "manifest.json"))).sort();
}

/** Every held-out text of every language in the folder: test sources and references, prompts and their English. */
export function heldOutOf(dir: string): HeldOut {
    const held = new HeldOut();
    for (const lang of builtLanguages(dir)) {
        const p = languagePaths(dir, lang);
        for (const f of [p.testStory, p.testTech]) {
            if (!fs.existsSync(f)) continue;
            for (const r of readJsonl<{src: string; ref: string}>(f)) {
                held.add(r.src);
                held.add(r.ref);
            }
        }
        if (fs.existsSync(p.prompts)) {
            for (const r of readJsonl<{text: string; en: string}>(p.prompts)) {
                held.add(r.text);
                held.add(r.en);
            }
        }
    }
    return held;
}

/** Every training line of every language in the folder: monolingual lines and both sides of the training split. */
export function* trainingLines(dir: string): Generator<{file: string; line: number; text: string}> {
    for (const lang of builtLanguages(dir)) {
        const p = languagePaths(dir, lang);
        let n = 0;
        for (const text of readLines(p.mono)) yield {file: path.relative(dir, p.mono), line: ++n, text};
        if (!fs.existsSync(p.train)) continue;
        n = 0;
        for (const l of readLines(p.train)) {
            const r = JSON.parse(l) as {src: string; ref: string};
            n++;
            yield {file: path.relative(dir, p.train), line: n, text: r.src};
            yield {file: path.relative(dir, p.train), line: n, text: r.ref};
        }
    }
}

/**
 * The decontamination check over a built corpus: every training line (of any language) whose normalized key
 * equals that of a held-out text (of any language). Empty when the corpus is clean.
 */
export function checkCorpus(dir: string, limit = 100): Contamination[] {
    return findContamination(heldOutOf(dir), trainingLines(dir), limit);
}
