import * as path from "node:path";
import {canonicalLanguageCode} from "../../core/languages";
import {DRAFTER_SPEC_RE} from "./router";
import {TM_MODES, type TmMode} from "../../tm/use";

/**
 * Settings, validated, with workspace trust applied. Pure: the vscode side passes `inspect(key)` (what
 * WorkspaceConfiguration.inspect returns) and whether the workspace is trusted.
 *
 * Workspace trust: in an untrusted workspace, values of the RESTRICTED keys that come from the workspace (or a
 * workspace folder) are ignored: a cloned repository must not make the editor load a model or drafter file of
 * its choosing. package.json declares the same keys in capabilities.untrustedWorkspaces.restrictedConfigurations,
 * so VS Code does this too; this is the second lock.
 */
export type InsertMode = "replace" | "below";
export type Gpu = "auto" | "cpu" | "cuda" | "vulkan";

export interface Settings {
    /** Default model name, GGUF path or hf: URI; "" = the default model. */
    model: string;
    /** Where default models are fetched to; "" = the extension's global storage. */
    modelsFolder: string;
    /** Per language (or "*"): auto | none | lookup | cascade | ngram:FILE | model:MODEL. */
    drafters: Record<string, string>;
    autoTune: boolean;
    k: number;
    temperature: number;
    /** 0 = the machine's cores. */
    threads: number;
    gpu: Gpu;
    contextSize: number;
    /** Where trained drafters are written; "" = the extension's global storage. */
    drafterFolder: string;
    insertMode: InsertMode;
    translationMaxTokens: number;
    storyMaxTokens: number;
    inlineEnabled: boolean;
    inlineLanguages: string[];
    inlineDebounceMs: number;
    inlineMaxTokens: number;
    checkLanguage: boolean;
    /** Translate Selection uses the workspace's translation memory. */
    tmEnabled: boolean;
    /** Globs (relative to the workspace folders) of the translation files indexed into the memory. */
    tmInclude: string[];
    /** Globs of files and folders never indexed. */
    tmExclude: string[];
    /** "draft": the memory only drafts (output exactly plain decoding's); "examples": its matches go into the prompt. */
    tmMode: TmMode;
    /** Translate Missing Entries: "examples" (the file's similar translations in the prompt) or "lossless" (plain prompt). */
    localizeMode: "examples" | "lossless";
    /** Translate Missing Entries also retranslates gettext fuzzy entries and XLIFF units that need review. */
    localizeIncludeFuzzy: boolean;
}

/** The translation files the importers read (src/tm/import.ts): gettext, XLIFF, TMX, and i18n JSON layouts. */
export const TM_INCLUDE_DEFAULT = ["**/*.po", "**/*.xlf", "**/*.xliff", "**/*.tmx",
    "**/{locales,locale,i18n,l10n,lang,langs,translations,messages}/**/*.json", "**/[a-z][a-z].json", "**/[a-z][a-z][-_][A-Za-z][A-Za-z].json"];
export const TM_EXCLUDE_DEFAULT = ["**/node_modules/**", "**/.git/**", "**/{dist,out,build}/**", "**/.vscode-test/**"];

export const DEFAULTS: Settings = {
    model: "", modelsFolder: "", drafters: {}, autoTune: true, k: 8, temperature: 0, threads: 0, gpu: "auto", contextSize: 4096,
    drafterFolder: "", insertMode: "replace", translationMaxTokens: 512, storyMaxTokens: 100, inlineEnabled: true,
    inlineLanguages: ["plaintext", "markdown"], inlineDebounceMs: 300, inlineMaxTokens: 24, checkLanguage: true,
    tmEnabled: true, tmInclude: TM_INCLUDE_DEFAULT, tmExclude: TM_EXCLUDE_DEFAULT, tmMode: "draft",
    localizeMode: "examples", localizeIncludeFuzzy: false,
};

/** Setting ids (under "polyspec.") for each field. */
export const KEYS: Record<keyof Settings, string> = {
    model: "model", modelsFolder: "modelsFolder", drafters: "drafters", autoTune: "autoTune", k: "k", temperature: "temperature",
    threads: "threads", gpu: "gpu", contextSize: "contextSize", drafterFolder: "drafterFolder", insertMode: "translation.insertMode",
    translationMaxTokens: "translation.maxTokens", storyMaxTokens: "story.maxTokens", inlineEnabled: "inline.enabled",
    inlineLanguages: "inline.languages", inlineDebounceMs: "inline.debounceMs", inlineMaxTokens: "inline.maxTokens", checkLanguage: "checkLanguage",
    tmEnabled: "translationMemory.enabled", tmInclude: "translationMemory.include", tmExclude: "translationMemory.exclude", tmMode: "translationMemory.mode",
    localizeMode: "localize.mode", localizeIncludeFuzzy: "localize.includeFuzzy",
};

/**
 * Keys holding paths (or what resolves to files), and those that choose which files the translation memory reads
 * and how it uses them: ignored from the workspace when it is not trusted (a cloned repository cannot point the
 * indexer at files of its choosing; the user's and the default globs apply there).
 */
export const RESTRICTED: readonly (keyof Settings)[] = ["model", "modelsFolder", "drafters", "drafterFolder", "tmInclude", "tmExclude", "tmMode"];

export interface Inspected {
    defaultValue?: unknown;
    globalValue?: unknown;
    workspaceValue?: unknown;
    workspaceFolderValue?: unknown;
}

export interface ReadResult {
    settings: Settings;
    /** One line per invalid value (the default was used instead). */
    problems: string[];
    /** Setting ids whose workspace value was ignored because the workspace is not trusted. */
    ignored: string[];
}

/** The value VS Code would use, minus workspace values of restricted keys when untrusted. */
export function effectiveValue(i: Inspected | undefined, restricted: boolean, trusted: boolean): {value: unknown; ignored: boolean} {
    if (!i) return {value: undefined, ignored: false};
    const fromWs = i.workspaceFolderValue !== undefined ? i.workspaceFolderValue : i.workspaceValue;
    if (fromWs !== undefined && !(restricted && !trusted)) return {value: fromWs, ignored: false};
    const ignored = fromWs !== undefined;
    if (i.globalValue !== undefined) return {value: i.globalValue, ignored};
    return {value: i.defaultValue, ignored};
}

type Check = (v: unknown) => string | undefined; // problem, or undefined when valid

const isInt = (lo: number, hi: number): Check => (v) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi ? undefined : `must be an integer from ${lo} to ${hi}`;
const isNum = (lo: number, hi: number): Check => (v) => typeof v === "number" && Number.isFinite(v) && v >= lo && v <= hi ? undefined : `must be a number from ${lo} to ${hi}`;
const isBool: Check = (v) => typeof v === "boolean" ? undefined : "must be true or false";
const isStr: Check = (v) => typeof v === "string" ? undefined : "must be a string";
const oneOf = (...xs: string[]): Check => (v) => xs.includes(v as string) ? undefined : `must be one of ${xs.join(", ")}`;
const isStrList: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === "string" && x.length > 0) ? undefined : "must be a list of language ids";
/** Workspace-relative globs: no absolute path, no "..", no empty pattern (a memory reads only the workspace's files). */
const isGlobList: Check = (v) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return "must be a list of glob patterns such as \"**/*.po\"";
    const bad = (v as string[]).find((g) => !g.trim() || /^([/\\]|[A-Za-z]:|~)/.test(g.trim()) || /(^|[/\\])\.\.([/\\]|$)/.test(g));
    return bad === undefined ? undefined : `must hold globs relative to the workspace folder (${JSON.stringify(bad)} is empty, absolute or leaves the folder)`;
};
const isModel: Check = (v) => typeof v !== "string" ? "must be a string" : /^(hf|huggingface):/i.test(v) && !/^(hf|huggingface):[^/\s]+\/[^\s]+/i.test(v) ? "an hf: URI looks like hf:user/repo:quant" : undefined;

const CHECKS: Record<Exclude<keyof Settings, "drafters">, Check> = {
    model: isModel, modelsFolder: isStr, autoTune: isBool, k: isInt(0, 16), temperature: isNum(0, 2), threads: isInt(0, 256),
    gpu: oneOf("auto", "cpu", "cuda", "vulkan"), contextSize: isInt(512, 32768), drafterFolder: isStr, insertMode: oneOf("replace", "below"),
    translationMaxTokens: isInt(16, 4096), storyMaxTokens: isInt(8, 2048), inlineEnabled: isBool, inlineLanguages: isStrList,
    inlineDebounceMs: isInt(0, 5000), inlineMaxTokens: isInt(4, 256), checkLanguage: isBool,
    tmEnabled: isBool, tmInclude: isGlobList, tmExclude: isGlobList, tmMode: oneOf(...TM_MODES),
    localizeMode: oneOf("examples", "lossless"), localizeIncludeFuzzy: isBool,
};

/** Validates polyspec.drafters: keys are language codes or "*", values drafter specs. Bad entries are dropped. */
export function validateDrafters(v: unknown, problems: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    if (v === undefined || v === null) return out;
    if (typeof v !== "object" || Array.isArray(v)) { problems.push("polyspec.drafters must be an object like {\"de\": \"cascade\"}"); return out; }
    for (const [lang, spec] of Object.entries(v as Record<string, unknown>)) {
        // any spelling of a code ("sr-latn", "sr-Cyrl", "zh-TW") keys the table's code ("sr-Latn", "sr", "zh-Hant")
        const code = lang === "*" ? lang : canonicalLanguageCode(lang);
        if (!code) { problems.push(`polyspec.drafters: "${lang}" is not a language code`); continue; }
        if (typeof spec !== "string" || !DRAFTER_SPEC_RE.test(spec.trim())) { problems.push(`polyspec.drafters.${lang}: "${String(spec)}" is not auto, none, lookup, cascade, ngram:FILE or model:MODEL`); continue; }
        out[code] = spec.trim();
    }
    return out;
}

export function readSettings(inspect: (key: string) => Inspected | undefined, trusted: boolean): ReadResult {
    const problems: string[] = [];
    const ignored: string[] = [];
    const s = {...DEFAULTS, drafters: {}} as Settings;
    for (const field of Object.keys(KEYS) as (keyof Settings)[]) {
        const id = KEYS[field];
        const {value, ignored: ig} = effectiveValue(inspect(id), RESTRICTED.includes(field), trusted);
        if (ig) ignored.push(`polyspec.${id}`);
        if (value === undefined) continue;
        if (field === "drafters") { s.drafters = validateDrafters(value, problems); continue; }
        const problem = CHECKS[field](value);
        if (problem) { problems.push(`polyspec.${id} ${problem} (got ${JSON.stringify(value)}); using ${JSON.stringify(DEFAULTS[field])}`); continue; }
        (s as unknown as Record<string, unknown>)[field] = typeof value === "string" ? value.trim()
            : field === "tmInclude" || field === "tmExclude" ? [...new Set((value as string[]).map((g) => g.trim()))] : value;
    }
    return {settings: s, problems, ignored};
}

/**
 * Makes the path-valued settings absolute: `~/x` is under the home folder, a relative path under `base` (the first
 * workspace folder, else the home folder). Model names and hf:/https: URIs are left alone; in polyspec.drafters
 * only the FILE of ngram:FILE and a model:MODEL that is a path are resolved (MODEL may be a name or a URI).
 */
export function resolvePaths(s: Settings, base: string, home: string): Settings {
    const abs = (p: string) => {
        if (!p) return p;
        if (p === "~" || p.startsWith("~/")) return path.join(home, p.slice(1));
        return path.isAbsolute(p) ? p : path.resolve(base, p);
    };
    const isFile = (p: string) => /\.gguf$/i.test(p) || p.includes("/") || p.includes("\\") || p.startsWith("~");
    const model = s.model && !/^(hf|huggingface|https?):/i.test(s.model) && isFile(s.model) ? abs(s.model) : s.model;
    const drafters = Object.fromEntries(Object.entries(s.drafters).map(([lang, spec]) => {
        const [kind, ...rest] = spec.split(":");
        const arg = rest.join(":");
        if (kind === "ngram" && arg) return [lang, `ngram:${abs(arg)}`];
        if (kind === "model" && arg && !/^(hf|huggingface|https?):/i.test(arg) && isFile(arg)) return [lang, `model:${abs(arg)}`];
        return [lang, spec];
    }));
    return {...s, model, drafters, modelsFolder: abs(s.modelsFolder), drafterFolder: abs(s.drafterFolder)};
}
