import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {throwIfCancelled, type Cancel} from "../core/errors";
import {LANGUAGES, languageByCode, SOURCE_LANGUAGE, type Language} from "../core/languages";
import {hasPlaceholders, isTextSegment} from "./clean";
import {pairDdtp, parseDdtp, DDTP_LICENCE, type Description} from "./ddtp";
import {HeldOut, normKey, type Contamination} from "./decontaminate";
import {AptFetcher, FetchError, type Fetcher, type FetchedTree} from "./fetch";
import {fortunesLicence, fortunesMembers, fortunesPackage, readFortunes} from "./fortunes";
import {decideHeldOut, DEFAULT_LIMITS, isCampaignDomain, isStoryDomain, isTestPair, type HeldOutEnglish, type HeldOutLimits} from "./heldout";
import {LIBREOFFICE_EN, LIBREOFFICE_LICENCE, libreofficeMembers, libreofficePackage, pairHelp} from "./libreoffice";
import {copyrightMember, debianLicence} from "./licence";
import {fileRecord, MANIFEST_FORMAT, stableJson, writeCorpusManifest, type FileRecord, type FileSource, type LanguageManifest, type PackageRecord, type SkipCounts} from "./manifest";
import {defaultCorpusDir, defaultDownloadsDir, languagePaths, type CorpusPaths, type FileKind} from "./paths";
import {isNarrativeTarget} from "./prompts";
import {DEFAULT_SEED, hasher, segmentId, sortByHash} from "./split";
import {addStats, campaignPackage, emptyStats, readWesnothLocale, WESNOTH_CAMPAIGNS, WESNOTH_DATA_PACKAGE, WESNOTH_LICENCE, WESNOTH_MEMBERS, type Pair, type ReadStats} from "./wesnoth";
import {readJsonl, checkCorpus, heldOutOf} from "./verify";

/**
 * The corpus build: fetch the packages, decide the held-out English segments once for all languages, then per
 * language write the test sets and prompts, then (once every language's held-out text is known) the
 * decontaminated training text, the manifests, and a final check of the whole output folder.
 */
export interface BuildProgress {
    phase: "fetch" | "held-out" | "language" | "training" | "check";
    done: number;
    total: number;
    note: string;
}

export interface BuildOptions {
    /** Language codes; default: every language in the table. */
    langs?: string[];
    /** Output folder; default <cache>/corpus. */
    out?: string;
    /** Downloads cache; default <cache>/downloads. */
    downloads?: string;
    /** Where packages come from; default apt-get download into the downloads cache. */
    fetcher?: Fetcher;
    seed?: string;
    /** How much to hold out (tests use small fixtures); default DEFAULT_LIMITS. */
    limits?: Partial<HeldOutLimits>;
    onProgress?: (p: BuildProgress) => void;
    /** Informational lines (e.g. a package that could not be fetched). */
    log?: (line: string) => void;
    cancel?: Cancel;
}

export interface LanguageSummary {
    code: string;
    ok: boolean;
    mono: {segments: number; bytes: number};
    testStory: number;
    testTech: number;
    train: number;
    prompts: number;
    missingPackages: string[];
    notes: string[];
}

export interface BuildResult {
    out: string;
    seed: string;
    languages: LanguageSummary[];
    /** Packages that could not be fetched, by name, with the languages that lost text because of it. */
    missingPackages: {name: string; error: string; languages: string[]}[];
    /** Training lines equal (normalized) to a held-out text, found by the final check; empty when all is well. */
    contamination: Contamination[];
    seconds: number;
}

interface PackageJob {
    name: string;
    members: string[];
    licence: string;
    languages: string[];
}

interface Fetched {
    tree: FetchedTree;
    record: PackageRecord;
}

type Domain = "story" | "wesnoth-ui" | "tech" | "ddtp";

interface LangWork {
    lang: Language;
    paths: CorpusPaths;
    packages: PackageRecord[];
    missing: {name: string; error: string}[];
    skipped: SkipCounts;
    notes: string[];
    counts: Record<string, number>;
    files: Partial<Record<FileKind, FileRecord>>;
    heldTargets: string[];
    monoTmp: string;
    trainTmp: string;
    hasText: boolean;
    seed: string;
    /** English only: the prompt rows, written with the training text. */
    promptRows?: {id: string; text: string; en: string}[];
}

const TMP_MONO = ".mono.candidates";
const TMP_TRAIN = ".train.candidates";

export async function buildCorpus(opts: BuildOptions = {}): Promise<BuildResult> {
    const t0 = Date.now();
    const seed = opts.seed ?? DEFAULT_SEED;
    const out = path.resolve(opts.out ?? defaultCorpusDir());
    const downloads = path.resolve(opts.downloads ?? defaultDownloadsDir());
    const log = opts.log ?? (() => {});
    const codes = [...new Set((opts.langs ?? LANGUAGES.map((l) => l.code)).map((c) => languageByCode(c).code))];
    const langs = LANGUAGES.filter((l) => codes.includes(l.code));
    const fetcher = opts.fetcher ?? new AptFetcher({dir: downloads, log, ddtpLocales: LANGUAGES.flatMap((l) => (l.sources.ddtp ? [l.sources.ddtp] : []))});
    const wantEnglish = langs.some((l) => l.code === SOURCE_LANGUAGE);

    // ---- plan and fetch packages
    const jobs = new Map<string, PackageJob>();
    const need = (name: string, members: string[], licence: string, lang: string) => {
        const j = jobs.get(name) ?? {name, members: [...members, copyrightMember(name)], licence, languages: []};
        if (!j.languages.includes(lang)) j.languages.push(lang);
        jobs.set(name, j);
    };
    const wesnothPackages = [...WESNOTH_CAMPAIGNS.map(campaignPackage), WESNOTH_DATA_PACKAGE];
    const loEnPackage = libreofficePackage(LIBREOFFICE_EN);
    for (const l of langs) {
        const s = l.sources;
        // Every language needs the Wesnoth and English help packages: they decide the held-out English segments.
        for (const p of wesnothPackages) need(p, WESNOTH_MEMBERS, WESNOTH_LICENCE, l.code);
        need(loEnPackage, libreofficeMembers(LIBREOFFICE_EN), LIBREOFFICE_LICENCE, l.code);
        if (s.libreoffice) need(libreofficePackage(s.libreoffice), libreofficeMembers(s.libreoffice), LIBREOFFICE_LICENCE, l.code);
        if (s.fortunes) need(fortunesPackage(s.fortunes), fortunesMembers(s.fortunes), fortunesLicence(s.fortunes), l.code);
    }
    const ddtpLocales = langs.flatMap((l) => (l.sources.ddtp ? [l.sources.ddtp] : []));
    const wantDdtp = ddtpLocales.length > 0 || wantEnglish;
    const total = jobs.size + (wantDdtp ? 1 : 0) + 1 + 2 * langs.length + 1;
    let done = 0;
    const progress = (phase: BuildProgress["phase"], note: string) => opts.onProgress?.({phase, done, total, note});

    const fetched = new Map<string, Fetched>();
    const missing = new Map<string, {name: string; error: string; languages: string[]}>();
    for (const j of jobs.values()) {
        throwIfCancelled(opts.cancel);
        progress("fetch", j.name);
        try {
            const tree = await fetcher.deb(j.name, j.members);
            fetched.set(j.name, {tree, record: {name: j.name, version: tree.version, licence: debianLicence(tree.root, j.name, j.licence), sha256: tree.sha256}});
        } catch (e) {
            if (!(e instanceof FetchError)) throw e;
            missing.set(j.name, {name: j.name, error: e.message, languages: j.languages});
            log(`${e.message} (languages affected: ${j.languages.join(", ")})`);
        }
        done++;
    }
    let ddtp: {version: string; read(l: string): Promise<string | undefined>} | undefined;
    let ddtpEn: Map<string, Description> | undefined;
    let ddtpRecord: PackageRecord | undefined;
    if (wantDdtp) {
        throwIfCancelled(opts.cancel);
        progress("fetch", "DDTP description translations");
        try {
            ddtp = await fetcher.ddtp(ddtpLocales);
            const enText = await ddtp.read("en");
            ddtpEn = enText ? parseDdtp(enText) : new Map();
            ddtpRecord = {name: "ddtp-translations", version: ddtp.version, licence: DDTP_LICENCE, sha256: enText ? sha256(enText) : ""};
        } catch (e) {
            if (!(e instanceof FetchError)) throw e;
            const affected = langs.filter((l) => l.sources.ddtp || l.code === SOURCE_LANGUAGE).map((l) => l.code);
            missing.set(e.pkg, {name: e.pkg, error: e.message, languages: affected});
            log(`${e.message} (languages affected: ${affected.join(", ")})`);
        }
        done++;
    }

    // ---- held-out English, decided over every Wesnoth locale and the whole English help
    throwIfCancelled(opts.cancel);
    progress("held-out", "deciding held-out segments");
    const wesnothTrees = wesnothPackages.flatMap((p) => (fetched.has(p) ? [fetched.get(p)!] : []));
    const loEn = fetched.get(loEnPackage);
    const english: {text: string; source: string}[] = [];
    const seenEnglish = new Set<string>();
    const held = decideHeldOut(seed, wesnothTrees.map((t) => t.tree.root), loEn?.tree.root, wantEnglish ? (en, source) => {
        if (seenEnglish.has(en)) return;
        seenEnglish.add(en);
        english.push({text: en, source});
    } : undefined, {...DEFAULT_LIMITS, ...opts.limits});
    const heldEnglish = new Set([...held.storyTest, ...held.storyPrompt, ...held.techTest]);
    done++;

    // ---- per language: held-out files now, training candidates to temporary files
    const work: LangWork[] = [];
    const u = {story: hasher(seed, "story-test"), tech: hasher(seed, "tech-test"), prompt: hasher(seed, "story-prompt")};
    for (const lang of langs) {
        throwIfCancelled(opts.cancel);
        progress("language", `${lang.code}: reading sources`);
        const w = lang.code === SOURCE_LANGUAGE
            ? englishHeldOut(lang, out, seed, held, english, ddtpEn, {fetched, ddtpRecord, missing, wesnothPackages, loEnPackage})
            : await languageHeldOut(lang, out, seed, held, heldEnglish, u, {fetched, ddtp, ddtpEn, ddtpRecord, missing, wesnothPackages, loEnPackage});
        work.push(w);
        done++;
    }

    // ---- training text, decontaminated against every held-out text of every language in the folder: this build's
    // and those built before (a language built later must not train on another language's test texts either)
    const heldAll = heldOutOf(out);
    for (const k of heldEnglish) heldAll.addKey(k);
    for (const w of work) for (const t of w.heldTargets) heldAll.add(t);
    for (const w of work) {
        throwIfCancelled(opts.cancel);
        progress("training", `${w.lang.code}: training text`);
        if (w.hasText) writeTraining(w, heldAll);
        cleanupTmp(w);
        if (w.hasText) writeLanguageManifest(w, seed);
        done++;
    }
    writeCorpusManifest(out, seed, LANGUAGES.map((l) => l.code));

    // ---- final check over everything in the output folder
    throwIfCancelled(opts.cancel);
    progress("check", "checking for contamination");
    const contamination = checkCorpus(out);
    done++;
    progress("check", "done");

    return {
        out,
        seed,
        languages: work.map((w) => ({
            code: w.lang.code,
            ok: w.hasText,
            mono: {segments: w.files.mono?.segments ?? 0, bytes: w.files.mono?.bytes ?? 0},
            testStory: w.files["test-story"]?.segments ?? 0,
            testTech: w.files["test-tech"]?.segments ?? 0,
            train: w.files.train?.segments ?? 0,
            prompts: w.files.prompts?.segments ?? 0,
            missingPackages: w.missing.map((m) => m.name),
            notes: w.notes,
        })),
        missingPackages: [...missing.values()],
        contamination,
        seconds: (Date.now() - t0) / 1000,
    };
}

interface Sources {
    fetched: Map<string, Fetched>;
    ddtp?: {version: string; read(l: string): Promise<string | undefined>};
    ddtpEn?: Map<string, Description>;
    ddtpRecord?: PackageRecord;
    missing: Map<string, {name: string; error: string; languages: string[]}>;
    wesnothPackages: string[];
    loEnPackage: string;
}

function newWork(lang: Language, out: string, seed: string): LangWork {
    const paths = languagePaths(out, lang.code);
    fs.mkdirSync(paths.dir, {recursive: true});
    return {
        lang, paths, packages: [], missing: [], notes: [], counts: {}, files: {}, heldTargets: [], hasText: false, seed,
        skipped: {malformedMo: 0, malformedHtml: 0, malformedOther: 0, pluralEntries: 0, untranslated: 0, malformedFiles: []},
        monoTmp: path.join(paths.dir, TMP_MONO), trainTmp: path.join(paths.dir, TMP_TRAIN),
    };
}

function usePackage(w: LangWork, s: Sources, name: string): Fetched | undefined {
    const f = s.fetched.get(name);
    if (f) {
        if (!w.packages.some((p) => p.name === name)) w.packages.push(f.record);
        return f;
    }
    const m = s.missing.get(name);
    if (m && !w.missing.some((x) => x.name === name)) w.missing.push({name, error: m.error});
    return undefined;
}

function addSkips(w: LangWork, stats: ReadStats, kind: "malformedMo" | "malformedHtml" | "malformedOther"): void {
    w.skipped[kind] += stats.malformed;
    w.skipped.pluralEntries += stats.plurals;
    w.skipped.untranslated += stats.untranslated;
    for (const f of stats.malformedFiles) if (w.skipped.malformedFiles.length < 50) w.skipped.malformedFiles.push(f);
}

/** Writes lines to file (atomically), returns the count. */
function writeLines(file: string, lines: string[]): number {
    const tmp = file + ".tmp";
    fs.writeFileSync(tmp, lines.length ? lines.join("\n") + "\n" : "");
    fs.renameSync(tmp, file);
    return lines.length;
}

function sourcesOf(counts: Map<string, number>, packages: Map<string, Set<string>>): FileSource[] {
    return [...counts.entries()].filter(([, n]) => n > 0).map(([source, n]) => ({source, packages: [...(packages.get(source) ?? [])].sort(), segments: n}));
}

async function languageHeldOut(lang: Language, out: string, seed: string, held: HeldOutEnglish, heldEnglish: Set<string>, u: Record<"story" | "tech" | "prompt", (t: string) => number>, s: Sources): Promise<LangWork> {
    const w = newWork(lang, out, seed);
    const src = lang.sources;
    const noSpaces = lang.noSpaces;
    const pairs: {p: Pair; domain: Domain; source: string; pkg: string}[] = [];

    if (src.wesnoth) {
        const stats = emptyStats();
        for (const name of s.wesnothPackages) {
            const f = usePackage(w, s, name);
            if (!f) continue;
            const r = readWesnothLocale(f.tree.root, src.wesnoth);
            addStats(stats, r.stats);
            for (const p of r.pairs) pairs.push({p, domain: isStoryDomain(p.origin) ? "story" : "wesnoth-ui", source: "wesnoth", pkg: name});
        }
        addSkips(w, stats, "malformedMo");
    } else w.notes.push("no Wesnoth translation: no story test set or story prompts");
    if (src.libreoffice) {
        const en = usePackage(w, s, s.loEnPackage);
        const xx = usePackage(w, s, libreofficePackage(src.libreoffice));
        if (en && xx) {
            const r = pairHelp(en.tree.root, xx.tree.root, src.libreoffice);
            addSkips(w, r.stats, "malformedHtml");
            for (const p of r.pairs) pairs.push({p, domain: "tech", source: "libreoffice", pkg: xx.record.name});
        }
    } else w.notes.push("no LibreOffice help: no technical test set");
    if (src.ddtp && s.ddtp && s.ddtpEn) {
        const text = await s.ddtp.read(src.ddtp);
        if (text) {
            if (s.ddtpRecord) w.packages.push({...s.ddtpRecord, name: `ddtp-translations:${src.ddtp}`, sha256: sha256(text)});
            for (const p of pairDdtp(s.ddtpEn, parseDdtp(text, noSpaces))) pairs.push({p, domain: "ddtp", source: "ddtp", pkg: `ddtp-translations:${src.ddtp}`});
        } else w.notes.push(`the archive has no Translation-${src.ddtp} index`);
    } else if (src.ddtp && s.missing.has("ddtp-translations")) w.missing.push({name: "ddtp-translations", error: s.missing.get("ddtp-translations")!.error});
    const fortunes: string[] = [];
    if (src.fortunes) {
        const f = usePackage(w, s, fortunesPackage(src.fortunes));
        if (f) {
            const r = readFortunes(f.tree.root, src.fortunes);
            addSkips(w, r.stats, "malformedOther");
            fortunes.push(...r.lines);
        }
    }

    // held-out files
    const pick = (domain: Domain, set: Set<string>, uu: (t: string) => number, extra: (p: Pair) => boolean) => {
        const seen = new Set<string>();
        const got: Pair[] = [];
        for (const x of pairs) {
            if (x.domain !== domain) continue;
            const k = normKey(x.p.en);
            if (!set.has(k) || seen.has(k) || !extra(x.p)) continue;
            seen.add(k);
            got.push(x.p);
        }
        return sortByHash(got, (p) => p.en, uu);
    };
    const story = pick("story", held.storyTest, u.story, (p) => isTestPair(p, noSpaces));
    const tech = pick("tech", held.techTest, u.tech, (p) => isTestPair(p, noSpaces));
    const prompts = pick("story", held.storyPrompt, u.prompt, (p) => isCampaignDomain(p.origin) && isNarrativeTarget(p.tgt, p.en, noSpaces));
    const wesnothPkgs = new Set(w.packages.filter((p) => p.name.startsWith("wesnoth")).map((p) => p.name));
    const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r));
    const testRows = (prefix: string, ps: Pair[]) => jsonl(ps.map((p) => ({id: segmentId(prefix, p.en), src: p.en, ref: p.tgt})));
    const storyPkgs = new Set(pairs.filter((x) => x.domain === "story").map((x) => x.pkg));
    const techPkgs = new Set(pairs.filter((x) => x.domain === "tech").map((x) => x.pkg));
    if (src.wesnoth) {
        writeLines(w.paths.testStory, testRows("story", story));
        writeLines(w.paths.prompts, jsonl(prompts.map((p) => ({id: segmentId("prompt", p.en), text: p.tgt, en: p.en}))));
        w.files["test-story"] = fileRecord(w.paths.testStory, out, story.length, story.length ? [{source: "wesnoth", packages: [...storyPkgs].filter((p) => wesnothPkgs.has(p)).sort(), segments: story.length}] : []);
        w.files.prompts = fileRecord(w.paths.prompts, out, prompts.length, prompts.length ? [{source: "wesnoth", packages: [...new Set(pairs.filter((x) => isCampaignDomain(x.p.origin)).map((x) => x.pkg))].sort(), segments: prompts.length}] : []);
        if (prompts.length < 50) w.notes.push(`only ${prompts.length} story prompts: the Wesnoth campaigns are little translated into ${lang.name}`);
        if (story.length < 150) w.notes.push(`only ${story.length} story test segments`);
    } else removeFiles(w.paths, ["test-story", "prompts"]);
    if (src.libreoffice) {
        writeLines(w.paths.testTech, testRows("tech", tech));
        w.files["test-tech"] = fileRecord(w.paths.testTech, out, tech.length, tech.length ? [{source: "libreoffice", packages: [s.loEnPackage, ...techPkgs].sort(), segments: tech.length}] : []);
        if (tech.length < 150) w.notes.push(`only ${tech.length} technical test segments`);
    } else removeFiles(w.paths, ["test-tech"]);
    for (const p of [...story, ...tech]) w.heldTargets.push(p.tgt);
    for (const p of prompts) w.heldTargets.push(p.tgt);

    // training candidates: everything whose English is not held out anywhere
    const mono: string[] = [], train: string[] = [];
    for (const x of pairs) {
        if (heldEnglish.has(normKey(x.p.en))) continue;
        mono.push(`${x.source}\t${x.p.tgt}`);
        if (!hasPlaceholders(x.p.en) && !hasPlaceholders(x.p.tgt)) train.push(`${x.domain}\t${x.p.en}\t${x.p.tgt}`);
    }
    for (const f of fortunes) mono.push(`fortunes\t${f}`);
    writeLines(w.monoTmp, mono);
    writeLines(w.trainTmp, train);
    w.hasText = mono.length > 0 || story.length > 0 || tech.length > 0;
    if (!w.hasText) {
        removeFiles(w.paths, ["test-story", "test-tech", "prompts"]);
        w.notes.push("no text at all: every source package of this language is missing");
    }
    return w;
}

function englishHeldOut(lang: Language, out: string, seed: string, held: HeldOutEnglish, english: {text: string; source: string}[], ddtpEn: Map<string, Description> | undefined, s: Sources): LangWork {
    const w = newWork(lang, out, seed);
    for (const p of s.wesnothPackages) usePackage(w, s, p);
    usePackage(w, s, s.loEnPackage);
    if (ddtpEn && s.ddtpRecord) w.packages.push(s.ddtpRecord);
    const prompts = [...held.promptText.values()];
    const rows = prompts.map((en) => ({id: segmentId("prompt", en), text: en, en}));
    w.heldTargets.push(...prompts);
    w.notes.push("English is the source language: no translation test sets or training split");
    removeFiles(w.paths, ["test-story", "test-tech", "train"]);
    const mono: string[] = [];
    for (const e of english) mono.push(`${e.source}\t${e.text}`);
    if (ddtpEn) for (const d of ddtpEn.values()) for (const t of [d.summary, ...d.paragraphs]) mono.push(`ddtp\t${t}`);
    writeLines(w.monoTmp, mono);
    writeLines(w.trainTmp, []);
    w.promptRows = rows;
    w.hasText = mono.length > 0 || rows.length > 0;
    return w;
}

function removeFiles(p: CorpusPaths, kinds: FileKind[]): void {
    for (const k of kinds) {
        const f = k === "test-story" ? p.testStory : k === "test-tech" ? p.testTech : k === "train" ? p.train : k === "prompts" ? p.prompts : p.mono;
        fs.rmSync(f, {force: true});
    }
}

function cleanupTmp(w: LangWork): void {
    fs.rmSync(w.monoTmp, {force: true});
    fs.rmSync(w.trainTmp, {force: true});
}

function readTmp(file: string): string[] {
    if (!fs.existsSync(file)) return [];
    const text = fs.readFileSync(file, "utf8");
    return text ? text.slice(0, -1).split("\n") : [];
}

function writeTraining(w: LangWork, held: HeldOut): void {
    const out = path.dirname(w.paths.dir);
    const pkgBySource = new Map<string, Set<string>>();
    for (const p of w.packages) {
        const source = p.name.startsWith("wesnoth") ? "wesnoth" : p.name.startsWith("libreoffice") ? "libreoffice" : p.name.startsWith("ddtp") ? "ddtp" : p.name.startsWith("fortunes") ? "fortunes" : "other";
        if (!pkgBySource.has(source)) pkgBySource.set(source, new Set());
        pkgBySource.get(source)!.add(p.name);
    }
    // English prompt rows are written here: their order needs nothing else
    const promptRows = w.promptRows;
    if (promptRows) {
        const uPrompt = hasher(w.seed, "story-prompt");
        const rows = sortByHash([...promptRows], (r) => r.en, uPrompt);
        writeLines(w.paths.prompts, rows.map((r) => JSON.stringify(r)));
        w.files.prompts = fileRecord(w.paths.prompts, out, rows.length, rows.length ? [{source: "wesnoth", packages: [...(pkgBySource.get("wesnoth") ?? [])].sort(), segments: rows.length}] : []);
    }
    // mono
    const seen = new Set<string>();
    const lines: string[] = [];
    const bySource = new Map<string, number>();
    let removed = 0;
    for (const row of readTmp(w.monoTmp)) {
        const tab = row.indexOf("\t");
        const source = row.slice(0, tab), text = row.slice(tab + 1);
        if (hasPlaceholders(text) || !isTextSegment(text, w.lang.noSpaces) || seen.has(text)) continue;
        seen.add(text);
        if (held.has(text)) {
            removed++;
            continue;
        }
        lines.push(text);
        bySource.set(source, (bySource.get(source) ?? 0) + 1);
    }
    writeLines(w.paths.mono, lines);
    w.files.mono = fileRecord(w.paths.mono, out, lines.length, sourcesOf(bySource, pkgBySource));
    w.counts.monoRemoved = removed;
    // train split
    if (w.lang.code !== SOURCE_LANGUAGE) {
        const seenPairs = new Set<string>();
        const rows: string[] = [];
        const byDomain = new Map<string, number>();
        let removedTrain = 0;
        for (const row of readTmp(w.trainTmp)) {
            const [domain, src, ref] = row.split("\t") as [string, string, string];
            const key = src + "\t" + ref;
            if (seenPairs.has(key)) continue;
            seenPairs.add(key);
            if (held.has(src) || held.has(ref)) {
                removedTrain++;
                continue;
            }
            const id = `${domain}-${crypto.createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
            rows.push(JSON.stringify({id, src, ref, domain}));
            const source = domain === "story" || domain === "wesnoth-ui" ? "wesnoth" : domain === "tech" ? "libreoffice" : "ddtp";
            byDomain.set(source, (byDomain.get(source) ?? 0) + 1);
        }
        writeLines(w.paths.train, rows);
        w.files.train = fileRecord(w.paths.train, out, rows.length, sourcesOf(byDomain, pkgBySource));
        w.counts.trainRemoved = removedTrain;
    }
}

function writeLanguageManifest(w: LangWork, seed: string): void {
    const m: LanguageManifest = {
        format: MANIFEST_FORMAT,
        language: w.lang.code,
        name: w.lang.name,
        native: w.lang.native,
        script: w.lang.script,
        seed,
        files: {},
        packages: [...w.packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        skipped: w.skipped,
        decontaminated: {mono: w.counts.monoRemoved ?? 0, train: w.counts.trainRemoved ?? 0},
        missingPackages: w.missing,
        notes: w.notes,
    };
    for (const k of ["mono", "test-story", "test-tech", "train", "prompts"] as FileKind[]) if (w.files[k]) m.files[k] = w.files[k];
    fs.writeFileSync(w.paths.manifest, stableJson(m));
}

function sha256(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex");
}

export {readJsonl};
