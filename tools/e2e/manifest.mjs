// Writes Polyspec's editor manifest (package.json: contributes, activationEvents, l10n, categories, icon,
// capabilities) with a quick read-modify-write that leaves every other field (scripts, dependencies) as it is.
//   node tools/e2e/manifest.mjs            update package.json
//   node tools/e2e/manifest.mjs --check    exit 1 if package.json differs from what this writes
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// the language codes of src/core/languages.ts (the table's lang("xx", ...) entries; a script subtag for each further
// script of a language written in two: "sr-Latn", "zh-Hant")
const LANGS = [...fs.readFileSync(path.join(root, "src/core/languages.ts"), "utf8").matchAll(/^\s*lang\("([a-z]{2,3}(?:-[A-Z][a-z]{3})?)",/gm)].map((m) => m[1]);
// the files Translate Missing Entries fills (src/localize/open.ts)
const TRANSLATION_FILE = "resourceExtname =~ /^\\.(po|pot|json|xlf|xliff)$/i";
const SPEC = "^(auto|none|lookup|cascade|ngram:.+|model:.+)$";

const commands = [
    ["translateSelection", "$(globe)"], ["continueStory", "$(book)"], ["toggleInline", "$(lightbulb-sparkle)"], ["trainDrafter", "$(mortar-board)"],
    ["selectModel", "$(server-process)"], ["showStatistics", "$(graph)"], ["cancel", "$(stop-circle)"], ["showLog", "$(output)"],
    ["buildTranslationMemory", "$(database)"], ["translateMissingEntries", "$(symbol-key)"],
].map(([id, icon]) => ({command: `polyspec.${id}`, title: `%polyspec.${id}.title%`, category: "Polyspec", icon}));

const prop = (key, o) => [`polyspec.${key}`, {...o, markdownDescription: `%config.${key}%`}];
const configuration = {
    title: "Polyspec",
    properties: Object.fromEntries([
        prop("model", {type: "string", default: "", order: 0,
            pattern: "^(|qwen2\\.5-coder-1\\.5b|qwen2\\.5-coder-0\\.5b|gemma3-270m|smollm2-135m|(hf|huggingface):[^/\\s]+/\\S+|https?://\\S+|.*\\.gguf)$",
            patternErrorMessage: "%config.model.pattern%"}),
        prop("modelsFolder", {type: "string", default: "", order: 1}),
        prop("drafters", {type: "object", default: {}, order: 2, scope: "resource",
            propertyNames: {enum: ["*", ...LANGS]},
            additionalProperties: {type: "string", pattern: SPEC, patternErrorMessage: "%config.drafters.pattern%"}}),
        prop("autoTune", {type: "boolean", default: true, order: 3}),
        prop("k", {type: "integer", default: 8, minimum: 0, maximum: 16, order: 4}),
        prop("temperature", {type: "number", default: 0, minimum: 0, maximum: 2, order: 5}),
        prop("threads", {type: "integer", default: 0, minimum: 0, maximum: 256, order: 6}),
        prop("gpu", {type: "string", default: "auto", enum: ["auto", "cpu", "cuda", "vulkan"], enumDescriptions: ["%config.gpu.auto%", "%config.gpu.cpu%", "%config.gpu.cuda%", "%config.gpu.vulkan%"], order: 7}),
        prop("contextSize", {type: "integer", default: 4096, minimum: 512, maximum: 32768, order: 8}),
        prop("drafterFolder", {type: "string", default: "", order: 9}),
        prop("translation.insertMode", {type: "string", default: "replace", enum: ["replace", "below"], enumDescriptions: ["%config.translation.insertMode.replace%", "%config.translation.insertMode.below%"], order: 10}),
        prop("translation.maxTokens", {type: "integer", default: 512, minimum: 16, maximum: 4096, order: 11}),
        prop("story.maxTokens", {type: "integer", default: 100, minimum: 8, maximum: 2048, order: 12}),
        prop("inline.enabled", {type: "boolean", default: true, order: 13}),
        prop("inline.languages", {type: "array", items: {type: "string"}, default: ["plaintext", "markdown"], uniqueItems: true, order: 14}),
        prop("inline.debounceMs", {type: "integer", default: 300, minimum: 0, maximum: 5000, order: 15}),
        prop("inline.maxTokens", {type: "integer", default: 24, minimum: 4, maximum: 256, order: 16}),
        prop("checkLanguage", {type: "boolean", default: true, order: 17}),
        prop("translationMemory.enabled", {type: "boolean", default: true, order: 18}),
        prop("translationMemory.include", {type: "array", items: {type: "string", minLength: 1}, uniqueItems: true, order: 19, scope: "resource",
            default: ["**/*.po", "**/*.xlf", "**/*.xliff", "**/*.tmx", "**/{locales,locale,i18n,l10n,lang,langs,translations,messages}/**/*.json", "**/[a-z][a-z].json", "**/[a-z][a-z][-_][A-Za-z][A-Za-z].json"]}),
        prop("translationMemory.exclude", {type: "array", items: {type: "string", minLength: 1}, uniqueItems: true, order: 20, scope: "resource",
            default: ["**/node_modules/**", "**/.git/**", "**/{dist,out,build}/**", "**/.vscode-test/**"]}),
        prop("translationMemory.mode", {type: "string", default: "draft", enum: ["draft", "examples"], enumDescriptions: ["%config.translationMemory.mode.draft%", "%config.translationMemory.mode.examples%"], order: 21}),
        prop("localize.mode", {type: "string", default: "examples", enum: ["examples", "lossless"], enumDescriptions: ["%config.localize.mode.examples%", "%config.localize.mode.lossless%"], order: 22}),
        prop("localize.includeFuzzy", {type: "boolean", default: false, order: 23}),
    ]),
};

const manifest = {
    categories: ["Machine Learning", "Other"],
    icon: "media/icon.png",
    activationEvents: ["onStartupFinished"],
    l10n: "./l10n",
    capabilities: {
        untrustedWorkspaces: {supported: "limited", description: "%capabilities.untrusted%",
            restrictedConfigurations: ["polyspec.model", "polyspec.modelsFolder", "polyspec.drafters", "polyspec.drafterFolder",
                "polyspec.translationMemory.include", "polyspec.translationMemory.exclude", "polyspec.translationMemory.mode"]},
        virtualWorkspaces: {supported: "limited", description: "%capabilities.virtual%"},
    },
    contributes: {
        commands,
        menus: {
            commandPalette: [
                {command: "polyspec.translateSelection", when: "editorHasSelection"},
                {command: "polyspec.continueStory", when: "editorIsOpen"},
                {command: "polyspec.translateMissingEntries", when: "editorIsOpen"},
            ],
            "editor/context": [
                {command: "polyspec.translateSelection", when: "editorHasSelection", group: "polyspec@1"},
                {command: "polyspec.continueStory", when: "editorTextFocus && !editorHasSelection", group: "polyspec@2"},
                {command: "polyspec.translateMissingEntries", when: `resourceScheme == file && ${TRANSLATION_FILE}`, group: "polyspec@3"},
            ],
            "explorer/context": [
                {command: "polyspec.translateMissingEntries", when: `resourceScheme == file && ${TRANSLATION_FILE}`, group: "7_modification"},
            ],
        },
        configuration,
    },
};

const file = path.join(root, "package.json");
const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
const next = {...pkg, ...manifest};
const text = JSON.stringify(next, null, 2) + "\n";
if (process.argv.includes("--check")) {
    const same = JSON.stringify(Object.fromEntries(Object.keys(manifest).map((k) => [k, pkg[k]]))) === JSON.stringify(manifest);
    if (!same) { console.error("package.json: editor manifest out of date: run node tools/e2e/manifest.mjs"); process.exit(1); }
    console.log("package.json: editor manifest up to date");
} else {
    fs.writeFileSync(file + ".tmp", text);
    fs.renameSync(file + ".tmp", file);
    console.log("package.json: editor manifest written");
}
