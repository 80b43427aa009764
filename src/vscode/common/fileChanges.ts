/**
 * The workspace memory's file bookkeeping (pure): which paths the translation-memory globs select, and the file
 * watcher's events coalesced into one batch of work: files to import again, files to drop.
 *
 *   const f = new FileChanges(new GlobFilter(["**\/*.po"], ["**\/node_modules/**"]));
 *   f.note("changed", "/ws", "/ws/po/de.po"); f.note("deleted", "/ws", "/ws/po/fr.po");
 *   f.take()  ->  {imports: ["/ws/po/de.po"], removes: ["/ws/po/fr.po"]}
 *
 * Rules: only paths the globs select count; the last event of a path wins, except that a file deleted and created
 * again is imported (its content may have changed), and a file created and deleted again before the batch is
 * taken is dropped (harmlessly: dropping a file never imported removes nothing).
 */
import picomatch from "picomatch";

export type FileEvent = "created" | "changed" | "deleted";

export interface ChangeBatch {
    /** Files to (re-)import, sorted. */
    imports: string[];
    /** Files to drop from the memory, sorted. */
    removes: string[];
}

/** Include / exclude globs over workspace-relative paths ("/" separators; dot files matched too). */
export class GlobFilter {
    private readonly inc: (p: string) => boolean;
    private readonly exc: (p: string) => boolean;

    constructor(readonly include: readonly string[], readonly exclude: readonly string[]) {
        const opts = {dot: true, nocase: false};
        this.inc = include.length ? picomatch([...include], opts) : () => false;
        this.exc = exclude.length ? picomatch([...exclude], opts) : () => false;
    }

    /** Whether the file at `rel` (relative to its workspace folder) is indexed. */
    matches(rel: string): boolean {
        const p = rel.replace(/\\/g, "/").replace(/^\.\//, "");
        if (!p || p.startsWith("../")) return false;
        return this.inc(p) && !this.exc(p);
    }

    /**
     * VS Code's findFiles form of the globs: one pattern of alternatives ("{a,b}"), undefined when there are none.
     * VS Code's glob does not nest groups ("{a,**\/{b,c}/**}" matches nothing), so the globs' own groups are expanded.
     */
    static joined(globs: readonly string[]): string | undefined {
        const all = [...new Set(globs.flatMap(expandBraces))];
        if (all.length === 0) return undefined;
        return all.length === 1 ? all[0] : `{${all.join(",")}}`;
    }
}

/** A glob's brace groups expanded into its alternatives: "a/{b,c}/*.{x,y}" -> a/b/*.x, a/b/*.y, a/c/*.x, a/c/*.y. */
export function expandBraces(glob: string): string[] {
    const m = /\{([^{}]*)\}/.exec(glob);
    if (!m) return [glob];
    const head = glob.slice(0, m.index), tail = glob.slice(m.index + m[0].length);
    return [...new Set(m[1].split(",").flatMap((alt) => expandBraces(head + alt + tail)))];
}

/** `file` relative to `folder` with "/" separators, or undefined when it is outside it. */
export function relativeTo(folder: string, file: string): string | undefined {
    const f = folder.replace(/\\/g, "/").replace(/\/+$/, "");
    const p = file.replace(/\\/g, "/");
    if (!p.startsWith(f + "/")) return undefined;
    return p.slice(f.length + 1);
}

export class FileChanges {
    private readonly pending = new Map<string, FileEvent>();

    constructor(private filter: GlobFilter) {}

    /** New globs (a settings change; the memories are rebuilt then): events from now on are filtered by them. */
    setFilter(filter: GlobFilter): void { this.filter = filter; }

    /** A watcher event for `file` in workspace folder `folder`; returns whether it counts (the globs select it). */
    note(kind: FileEvent, folder: string, file: string): boolean {
        const rel = relativeTo(folder, file);
        if (rel === undefined || !this.filter.matches(rel)) return false;
        const prev = this.pending.get(file);
        if (prev === "created" && kind === "deleted") this.pending.set(file, "deleted");
        else if (prev === "deleted" && kind !== "deleted") this.pending.set(file, "changed");
        else if (prev === "created" && kind === "changed") this.pending.set(file, "created");
        else this.pending.set(file, kind);
        return true;
    }

    get size(): number { return this.pending.size; }

    /** The work the events so far add up to; starts a new batch. */
    take(): ChangeBatch {
        const imports: string[] = [], removes: string[] = [];
        for (const [file, kind] of this.pending) (kind === "deleted" ? removes : imports).push(file);
        this.pending.clear();
        return {imports: imports.sort(), removes: removes.sort()};
    }
}
