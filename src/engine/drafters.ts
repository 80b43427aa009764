import {PolyspecError} from "../core/errors";
import type {Tokenizer} from "../core/target";
import {CascadeDrafter} from "../drafters/cascade";
import type {Drafter} from "../core/drafter";
import {LookupDrafter} from "../drafters/lookup";
import {loadNgramDrafter} from "../drafters/ngram";
import {DraftModelDrafter} from "./draft-model";

/** The drafter kinds a user can name: none | lookup | ngram:FILE | model:FILE_OR_NAME | cascade. */
export const DRAFTER_SPECS = "none | lookup | ngram:FILE | model:MODEL | cascade";

export interface DrafterFiles {
    /** n-gram file for the cascade */
    ngram?: string;
    /** draft model for the cascade */
    draftModel?: string;
}

/**
 * Builds a drafter from its spec. The cascade chains context lookup, then the corpus n-gram (if a file is given),
 * then the draft model (if given). Refuses an n-gram file or draft model built for another tokenizer.
 */
export async function createDrafter(spec: string, target: Tokenizer, files: DrafterFiles = {}): Promise<Drafter | undefined> {
    const [kind, ...rest] = spec.split(":");
    const arg = rest.join(":");
    switch (kind) {
        case "none": return undefined;
        case "lookup": return new LookupDrafter();
        case "ngram":
            if (!arg) throw new PolyspecError("--drafter ngram:FILE needs the n-gram file (train one with 'polyspec ngram train')", "E_USAGE");
            return loadNgramDrafter(arg, target);
        case "model":
            if (!arg) throw new PolyspecError("--drafter model:MODEL needs a draft model (a GGUF path or qwen2.5-coder-0.5b)", "E_USAGE");
            return DraftModelDrafter.open(arg, target);
        case "cascade":
            return cascadeOf({ngram: files.ngram ? loadNgramDrafter(files.ngram, target) : undefined,
                draftModel: files.draftModel ? await DraftModelDrafter.open(files.draftModel, target) : undefined});
        default:
            throw new PolyspecError(`unknown drafter "${spec}": use ${DRAFTER_SPECS}`, "E_USAGE");
    }
}

/**
 * The cascade, from drafters already loaded: the translation memory's drafter first where a request has matches
 * (it proposes only where the output follows a match), then context lookup, the corpus n-gram table and the draft
 * model where given. Every cascade (CLI, editor, demo, benchmark) is made here. Synchronous: with table members
 * only it stays replayable offline.
 */
export function cascadeOf(members: {tm?: Drafter; ngram?: Drafter; draftModel?: Drafter} = {}): CascadeDrafter {
    return new CascadeDrafter([...(members.tm ? [members.tm] : []), new LookupDrafter(), ...[members.ngram, members.draftModel].filter((d): d is Drafter => !!d)]);
}

/**
 * A request's translation-memory drafter ahead of the drafter chosen for it: alone when none was (plain decoding
 * otherwise), as the first member of a cascade, or ahead of a single drafter. Without one, the chosen drafter.
 */
export function withMemory(tm: Drafter | undefined, chosen: Drafter | undefined): Drafter | undefined {
    if (!tm) return chosen;
    if (!chosen) return tm;
    return new CascadeDrafter(chosen instanceof CascadeDrafter ? [tm, ...chosen.drafters] : [tm, chosen], chosen.name);
}
