/**
 * Shared base of the XML formats (XLIFF, TMX): a streaming, strictly well-formed parse with saxes (no DTD or
 * external entity is ever loaded), the first error turned into a ParseError with its line, and the serialisation of
 * inline elements inside a segment's text.
 *
 * A segment's text keeps the format's inline codes as XML tags (`Click <g id="1">here</g>`, `<x id="2"/>`,
 * `<ph id="1" disp="{name}"/>`), so the memory shows and matches them as the translation file has them; character
 * data (plain text, entities, CDATA) becomes its string value, except inside native-code elements (<bpt>, <ept>,
 * <ph>, <it>, <ut>), whose content is markup of the original format and stays escaped:
 * `<bpt i="1">&lt;b&gt;</bpt>Next<ept i="1">&lt;/b&gt;</ept>`.
 */
import {SaxesParser, type SaxesTagPlain} from "saxes";
import {ParseError, emptyResult, type ParseResult} from "./result";

export abstract class XmlSegmentParser {
    protected readonly parser = new SaxesParser<{xmlns: false; position: true}>({xmlns: false, position: true});
    protected readonly result: ParseResult = emptyResult();
    private error?: ParseError;
    /** The text being captured (a source or target element's content), with its inline elements as tags. */
    protected capture?: string[];
    /** Depth of inline elements inside the capture. */
    private inlineDepth = 0;
    /** Depth inside native-code elements (<bpt>, <ept>, <ph>, <it>, <ut>), whose text is markup, not text. */
    private codeDepth = 0;

    constructor() {
        this.parser.on("opentag", (t) => {
            if (this.error) return;
            if (this.capture) { // every element inside a captured source/target is inline content
                this.inlineDepth++;
                if (CODE.has(t.name)) this.codeDepth++;
                this.capture.push(openTag(t));
                return;
            }
            this.open(t, this.parser.line);
        });
        this.parser.on("closetag", (t) => {
            if (this.error) return;
            if (this.capture && this.inlineDepth > 0) {
                this.inlineDepth--;
                if (CODE.has(t.name)) this.codeDepth--;
                if (!t.isSelfClosing) this.capture.push(`</${t.name}>`);
                return;
            }
            this.close(t);
        });
        this.parser.on("text", (s) => { if (this.capture) this.capture.push(this.codeDepth ? escText(s) : s); });
        this.parser.on("cdata", (s) => { if (this.capture) this.capture.push(this.codeDepth ? escText(s) : s); });
        this.parser.on("error", (e) => {
            if (this.error) return;
            const m = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(e.message);
            this.error = new ParseError(`not well-formed XML: ${m ? m[3] : e.message}`, m ? Number(m[1]) : this.parser.line, m ? Number(m[2]) : this.parser.column);
        });
    }

    /** Starts capturing a text element's content. */
    protected startCapture(): void {
        this.capture = [];
        this.inlineDepth = 0;
        this.codeDepth = 0;
    }

    /** Ends the capture; returns the text. */
    protected endCapture(): string {
        const s = (this.capture ?? []).join("");
        this.capture = undefined;
        return s;
    }

    protected abstract open(t: SaxesTagPlain, line: number): void;
    protected abstract close(t: SaxesTagPlain): void;
    /** Checks done at the end of the document (e.g. "not an XLIFF file"). */
    protected abstract finish(): void;

    /** Feeds a chunk of the document (throws the first ParseError). */
    write(chunk: string): void {
        this.parser.write(chunk);
        if (this.error) throw this.error;
    }

    /** Ends the document; returns what was parsed (throws a ParseError for a malformed or truncated document). */
    end(): ParseResult {
        this.parser.close();
        if (this.error) throw this.error;
        this.finish();
        return this.result;
    }
}

/** Inline elements that hold native code (XLIFF 1.2, TMX): their text stays escaped, as markup inside markup. */
const CODE = new Set(["bpt", "ept", "ph", "it", "ut"]);

function escText(v: string): string {
    return v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escAttr(v: string): string {
    return v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function openTag(t: SaxesTagPlain): string {
    const attrs = Object.entries(t.attributes).map(([k, v]) => ` ${k}="${escAttr(v)}"`).join("");
    return `<${t.name}${attrs}${t.isSelfClosing ? "/" : ""}>`;
}

/** Attribute value by name (plain, non-namespaced parse). */
export function attr(t: SaxesTagPlain, name: string): string | undefined {
    const v = t.attributes[name];
    return v === undefined ? undefined : String(v);
}
