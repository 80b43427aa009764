/**
 * Where streamed text lives in a document that others may edit meanwhile (pure: offsets only).
 * The writer inserts at `end`; every document change is reported here: our own edits are recognised (they were
 * announced with `expect`), a foreign edit before the region shifts it, one after it changes nothing, and one
 * that touches it makes `state` "broken" (the stream stops and leaves the document as the user edited it).
 */
export interface Change {
    offset: number;
    removed: number;
    inserted: number;
    text?: string;
}

export class Region {
    private expected: Change[] = [];
    state: "ok" | "broken" = "ok";

    constructor(public start: number, public length = 0) {}

    get end(): number { return this.start + this.length; }

    /** Announces an edit the writer is about to apply. */
    expect(c: Change): void { this.expected.push(c); }

    /** The writer's edit failed (not applied): forget its announcement. */
    retract(c: Change): void {
        const i = this.expected.indexOf(c);
        if (i >= 0) this.expected.splice(i, 1);
    }

    /** Reports one applied change (in document order of one event, apply from last to first: see applyAll). */
    apply(c: Change): void {
        const i = this.expected.findIndex((e) => e.offset === c.offset && e.removed === c.removed && e.inserted === c.inserted && (e.text === undefined || c.text === undefined || e.text === c.text));
        if (i >= 0) { // our own edit: it may replace text (the selection) from the region's start on
            const e = this.expected.splice(i, 1)[0];
            const end = this.end > e.offset + e.removed ? this.end + e.inserted - e.removed : e.offset + e.inserted;
            this.start = Math.min(this.start, e.offset);
            this.length = end - this.start;
            return;
        }
        if (c.offset + c.removed <= this.start) { this.start += c.inserted - c.removed; return; } // before the region
        if (c.offset > this.end) return;                                                          // after it
        this.state = "broken"; // inside it, or typing right at its end while we write there
    }

    /** VS Code reports the changes of one event against the document before the event, sorted by position. */
    applyAll(changes: readonly Change[]): void {
        for (const c of [...changes].sort((a, b) => b.offset - a.offset)) this.apply(c);
    }
}
