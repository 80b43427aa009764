import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {LocalizeDocument, TextItem} from "../../../src/localize/document";
import {restore} from "../../../src/localize/job";

export const FIX = path.resolve(__dirname, "../../fixtures/localize");

export function read(rel: string): {file: string; text: string} {
    const file = path.join(FIX, rel);
    return {file, text: fs.readFileSync(file, "utf8")};
}

export function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-localize-"));
}

/** A fake translation that keeps every placeholder: "[de] " + the text (plural samples restored as the job does). */
export function fake(item: TextItem, lang = "de"): string {
    return restore(`[${lang}] ${item.source}`, item);
}

/** Every unit of a document done with `f`. */
export function fillAll(doc: LocalizeDocument, f: (item: TextItem) => string = (i) => fake(i, doc.lang)): Map<string, string[]> {
    return new Map(doc.units.map((u) => [u.id, u.items.map(f)]));
}

/** Copies a fixture folder into a fresh temporary folder. */
export function copyFixtures(rel: string): string {
    const dir = tmpDir();
    fs.cpSync(path.join(FIX, rel), dir, {recursive: true});
    return dir;
}
