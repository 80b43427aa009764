/**
 * Localization: fill the untranslated entries of a translation file in one job (issue 16; docs/localize.md).
 *
 *   pair:      findPair(file, {lang, source?}) -> {format, target, source?, lang, srcLang, create}
 *   document:  openDocument({target: {file, text}, source?, lang, includeFuzzy?}) -> LocalizeDocument
 *              (units to fill, the file's translations as memory, apply(done) -> {text, edits}, validate(text))
 *   job:       runLocalizeJob(doc, {translate, memory?, order?, cancel?, onEvent?}) -> {done, flagged, skipped, summary}
 *   model:     engineTranslator(engine, {lang, mode?, cancel?}) -> Translate (Engine.generate with the TM prompt/drafter)
 *   files:     localizeFile({pair, translate, ...}) -> reads, runs, checks the disk, writes atomically, review side file
 *   checks:    extractPlaceholders(text), checkPlaceholders(source, translation)
 */
export {applyEdits, detectEol, LocalizeInputError, type ApplyResult, type LocalizeDocument, type LocalizeFormat, type LocalizeUnit, type TextEdit, type TextItem, type UnitReason} from "./document";
export {openDocument, formatOfFile, type OpenDocumentOptions} from "./open";
export {findPair, type FindPairOptions, type LocalizePair} from "./pair";
export {runLocalizeJob, JobMemory, restore, type FlaggedUnit, type ItemStatus, type JobEvent, type JobOptions, type JobResult, type JobSummary, type MemoryView, type Translate, type TranslateEntry, type TranslateResult, type TranslateStats} from "./job";
export {translationOrder, NEIGHBOUR_MIN_SCORE, type JobOrder} from "./order";
export {engineTranslator, strictPrompt, type EngineTranslatorOptions, type TranslateMode, type TranslatorEngine} from "./translate";
export {localizeFile, LocalizeConflictError, reviewChanges, sha256, type LocalizeFileOptions, type LocalizeFileResult} from "./files";
export {readReview, reviewPath, updateReview, knownTranslations, REVIEW_SUFFIX, type ReviewEntry, type ReviewFile, type ReviewStatus} from "./review";
export {checkPlaceholders, extractPlaceholders, type Placeholder, type PlaceholderCheck, type PlaceholderKind} from "./placeholders";
export {cleanOutput} from "./clean";
