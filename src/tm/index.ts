/**
 * Translation memory: public API.
 *   memory:   new TranslationMemory({src, tgt}); tm.add / addHistory / replaceFile / removeFile; tm.search(text, {k, minScore})
 *   files:    loadTm(file, pair) / saveTm(tm, file) / openTm(file, pair, {rebuild}) ; defaultTmPath(pair)
 *   sources:  importFiles(paths, {pair}) (.po, XLIFF 1.2/2.0, TMX, i18n JSON) ; readCorpusPairs(lang)
 *   use:      tmTranslationPrompt(text, lang, matches) (examples in the prompt) ;
 *             tmDrafterFor(matches, tokenizer) (draft source only: the prompt and the output stay plain decoding's)
 */
export {TranslationMemory, comparesCharacters, describePair, type AddResult, type NewSegment, type TmMatch} from "./memory";
export {defaultTmPath, loadTm, openTm, peekTm, saveTm, TM_EXTENSION, type LoadTiming, type OpenOptions, type OpenResult} from "./store";
export {TM_MAGIC, TM_VERSION, decodeTm, encodeTm, type SourceFile, type TmFileContent, type TmHeader} from "./format";
export {importFiles, formatOf, pairJson, isBinary, type FileImport, type ImportMessage, type ImportOptions, type ImportReport, type TmFormat} from "./import";
export {readCorpusPairs, corpusTrainPath} from "./corpus";
export {tmTranslationPrompt, describeChanges, TM_PROMPT_MIN_SCORE, type TmPrompt, type TmPromptOptions} from "./prompt";
export {tmCandidates, tmDrafterFor} from "./draft";
export {similarity, matchTokens, editDistance, wordChanges, type Change} from "./similarity";
export {FuzzyIndex, type IndexHit, type SearchOptions} from "./fuzzy-index";
export {langMatches, normalizeLang, pairName, type LanguagePair, type Origin, type Segment} from "./segment";
export {translationRequest, TM_DRAFT_MIN_SCORE, TM_MODES, type TmMode, type TranslationRequest, type TranslationRequestOptions} from "./use";
