import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {FetchError, type DdtpIndexes, type Fetcher, type FetchedTree} from "../../../src/corpus/fetch";
import {writeMo} from "../../../src/corpus/mo";
import {WESNOTH_CAMPAIGNS, WESNOTH_DATA_PACKAGE, campaignPackage, localeDir} from "../../../src/corpus/wesnoth";

/**
 * Small, deterministic stand-ins for the Debian packages: Wesnoth catalogues written with writeMo, LibreOffice
 * help pages (the committed pair in test/fixtures/corpus plus generated ones), DDTP snippets and a fortunes file.
 */
export const FIXTURES = path.resolve(__dirname, "../../fixtures/corpus");

export function tmpDir(prefix = "polyspec-corpus-"): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const SUBJECTS = ["The old knight", "A young mage", "The dwarvish smith", "Our scouts", "The elvish archer", "The river guard", "The orc chieftain", "A lonely traveller", "The queen", "Her brother"];
const VERBS = ["rode toward", "looked upon", "returned to", "fled from", "guarded", "searched"];
const PLACES = ["the northern castle", "the dark forest", "the silent lake", "the burning village", "the ancient tower"];
const TAILS = ["before dawn.", "as the storm grew.", "and waited for the others.", "while the bells rang out."];

/** The i-th English story sentence (all distinct for i < 1200). */
export function storySentence(i: number): string {
    return `${SUBJECTS[i % 10]} ${VERBS[Math.floor(i / 10) % 6]} ${PLACES[Math.floor(i / 60) % 5]} ${TAILS[Math.floor(i / 300) % 4]}`;
}

const TECH_VERBS = ["Select", "Choose", "Open", "Close", "Rename", "Delete", "Copy", "Move"];
const TECH_OBJECTS = ["the cell range", "the chart", "the current sheet", "the selected text", "the table", "the frame", "the image", "the document"];
const TECH_TAILS = ["to apply the new format.", "before you print the page.", "and press Enter.", "from the context menu."];

export function techSentence(i: number): string {
    return `${TECH_VERBS[i % 8]} ${TECH_OBJECTS[Math.floor(i / 8) % 8]} ${TECH_TAILS[Math.floor(i / 64) % 4]}`;
}

/** A fake translation: different from the English, same shape (spaces or not), same final punctuation. */
export function translate(en: string, locale: string): string {
    const body = en.replace(/[.!?]$/, "");
    const end = en.slice(body.length);
    if (locale === "ja") {
        const chars = body.split(" ").map((w) => String.fromCodePoint(0x4e00 + (parseInt(crypto.createHash("md5").update(w).digest("hex").slice(0, 4), 16) % 2000)));
        return chars.join("") + (end ? "。" : "");
    }
    const suffix = locale === "de" ? "en" : locale === "fr" ? "é" : "a";
    return body.split(" ").map((w) => w + suffix).join(" ") + end;
}

interface Entry {context?: string; id: string; str: string; plural?: string[]}

function writeCatalogue(root: string, locale: string, domain: string, entries: Entry[]): void {
    const dir = localeDir(root, locale);
    fs.mkdirSync(dir, {recursive: true});
    fs.writeFileSync(path.join(dir, `${domain}.mo`), writeMo(entries));
}

function helpPage(lang: string, paragraphs: [string, string][]): string {
    return `<!DOCTYPE html>\n<html lang="${lang}"><body>\n${paragraphs.map(([id, t]) => `<p id="${id}" class="paragraph" dir="auto">${t}</p>`).join("\n")}\n</body></html>\n`;
}

export interface FixtureOptions {
    /** Wesnoth locales with translations (ar gets only a few). */
    locales?: string[];
    storyCount?: number;
    techCount?: number;
    /** Extra fortunes lines for de. */
    extraFortunes?: string[];
    /** Extra DDTP German entries (summary lines) paired with invented English. */
    extraDdtpDe?: {en: string; de: string}[];
}

/** Writes package trees under dir/debs/<package> and returns dir. */
export function makeFixturePackages(dir: string, opts: FixtureOptions = {}): string {
    const locales = opts.locales ?? ["de", "fr", "ja", "ar"];
    const n = opts.storyCount ?? 240;
    const debs = path.join(dir, "debs");
    fs.rmSync(debs, {recursive: true, force: true});
    for (const c of WESNOTH_CAMPAIGNS) fs.mkdirSync(path.join(debs, campaignPackage(c)), {recursive: true});
    // the story campaign: narration plus objectives, names, a plural, a context, a template variable
    const httt = path.join(debs, campaignPackage("httt"));
    for (const loc of locales) {
        const count = loc === "ar" ? 12 : n;
        const entries: Entry[] = [];
        for (let i = 0; i < count; i++) entries.push({id: storySentence(i), str: translate(storySentence(i), loc)});
        entries.push({id: "Defeat all enemy leaders", str: translate("Defeat all enemy leaders", loc)});
        entries.push({id: "Konrad", str: "Konrad"});
        entries.push({context: "female", id: "The princess drew her sword and faced the dark riders at the gate.", str: translate("The princess drew her sword and faced the dark riders at the gate.", loc)});
        entries.push({id: "$unit.name| found a chest of gold hidden under the old bridge.", str: "$unit.name| " + translate("found a chest of gold hidden under the old bridge.", loc)});
        entries.push({id: "One orc attacked the tower.", str: translate("One orc attacked the tower.", loc), plural: ["$n orcs attacked the tower.", translate("Many orcs attacked the tower.", loc)]});
        entries.push({id: "female^The lady of the lake spoke softly to the weary travellers.", str: translate("The lady of the lake spoke softly to the weary travellers.", loc)});
        writeCatalogue(httt, loc, "wesnoth-httt", entries);
    }
    // the data package: interface strings, and one malformed catalogue for de
    const data = path.join(debs, WESNOTH_DATA_PACKAGE);
    for (const loc of locales) {
        writeCatalogue(data, loc, "wesnoth-lib", [
            {id: "Load the saved game from the list below", str: translate("Load the saved game from the list below", loc)},
            {id: "Preferences", str: translate("Preferences", loc)},
        ]);
    }
    fs.writeFileSync(path.join(localeDir(data, "de"), "wesnoth-units.mo"), Buffer.from("this is not a gettext catalogue at all"));
    // LibreOffice help: the committed pair (with a broken page) plus generated pages
    const t = opts.techCount ?? 200;
    for (const [lang, pkg] of [["en-US", "libreoffice-help-en-us"], ["de", "libreoffice-help-de"], ["fr", "libreoffice-help-fr"], ["ja", "libreoffice-help-ja"]] as const) {
        const textDir = path.join(debs, pkg, "usr/share/libreoffice/help", lang, "text");
        fs.mkdirSync(path.join(textDir, "scalc/01"), {recursive: true});
        if (lang === "en-US" || lang === "de") fs.cpSync(path.join(FIXTURES, "libreoffice", lang, "text"), textDir, {recursive: true});
        const paras: [string, string][] = [];
        for (let i = 0; i < t; i++) paras.push([`par_id${1000 + i}`, lang === "en-US" ? techSentence(i) : translate(techSentence(i), lang.slice(0, 2))]);
        fs.writeFileSync(path.join(textDir, "scalc/01/generated.html"), helpPage(lang, paras));
    }
    // fortunes
    const fort = path.join(debs, "fortunes-de", "usr/share/games/fortunes/de");
    fs.mkdirSync(fort, {recursive: true});
    fs.copyFileSync(path.join(FIXTURES, "fortunes/de/sprueche"), path.join(fort, "sprueche"));
    if (opts.extraFortunes?.length) fs.writeFileSync(path.join(fort, "extra"), opts.extraFortunes.join("\n%\n") + "\n");
    // DDTP
    const ddtp = path.join(dir, "ddtp");
    fs.mkdirSync(ddtp, {recursive: true});
    let en = fs.readFileSync(path.join(FIXTURES, "ddtp/Translation-en"), "utf8");
    let de = fs.readFileSync(path.join(FIXTURES, "ddtp/Translation-de"), "utf8");
    (opts.extraDdtpDe ?? []).forEach((x, i) => {
        const md5 = crypto.createHash("md5").update(x.en).digest("hex");
        en += `Package: extra${i}\nDescription-md5: ${md5}\nDescription-en: ${x.en}\n\n`;
        de += `Package: extra${i}\nDescription-md5: ${md5}\nDescription-de: ${x.de}\n\n`;
    });
    fs.writeFileSync(path.join(ddtp, "Translation-en"), en);
    fs.writeFileSync(path.join(ddtp, "Translation-de"), de);
    fs.copyFileSync(path.join(FIXTURES, "ddtp/Translation-ja"), path.join(ddtp, "Translation-ja"));
    return dir;
}

/** Serves the fixture trees as if they were downloaded packages; packages in `fail` cannot be fetched. */
export class FixtureFetcher implements Fetcher {
    readonly calls: string[] = [];
    constructor(private readonly dir: string, private readonly fail = new Set<string>()) {}

    async deb(name: string): Promise<FetchedTree> {
        this.calls.push(name);
        if (this.fail.has(name)) throw new FetchError(name, "E: Failed to fetch (simulated 404 Not Found)");
        const root = path.join(this.dir, "debs", name);
        if (!fs.existsSync(root)) throw new FetchError(name, "E: Unable to locate package " + name);
        return {name, version: "1.0-fixture", sha256: crypto.createHash("sha256").update(name).digest("hex"), root};
    }

    async ddtp(): Promise<DdtpIndexes> {
        if (this.fail.has("ddtp-translations")) throw new FetchError("ddtp-translations", "simulated failure");
        const dir = path.join(this.dir, "ddtp");
        return {
            version: "fixture",
            read: async (locale) => {
                const f = path.join(dir, `Translation-${locale}`);
                return fs.existsSync(f) ? fs.readFileSync(f, "utf8") : undefined;
            },
        };
    }
}

/** Every file under dir, relative path -> sha256. */
export function hashTree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (rel: string) => {
        for (const e of fs.readdirSync(path.join(dir, rel), {withFileTypes: true})) {
            const r = path.join(rel, e.name);
            if (e.isDirectory()) walk(r);
            else out[r] = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, r))).digest("hex");
        }
    };
    walk("");
    return out;
}

/** Small limits so that fixtures keep training text: 30 story tests and 12 prompts per locale, 15% of help. */
export const FIXTURE_LIMITS = {storyTestPerLocale: 30, promptsPerLocale: 12, techTestFraction: 0.15};
