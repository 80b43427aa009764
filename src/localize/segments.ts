import {extractPlaceholders} from "./placeholders";

/**
 * The last attempt for a text whose translation lost its placeholders twice: the text split into the parts a
 * translator would translate one by one. Per line, the markup that opens and closes the line (tags, entities,
 * whitespace) is kept verbatim and only the text between is translated; line breaks and lines without letters
 * stay as they are. Placeholders inside a line's text stay in that part (the model must keep them there, and the
 * whole is checked again), so a sentence is never cut at a variable.
 *
 *   "<i>(motions for silence)</i>\n\n<small>What was that?</small>"
 *     -> keep "<i>", text "(motions for silence)", keep "</i>\n\n<small>", text "What was that?", keep "</small>"
 *
 * Undefined when splitting would give the model the same text again (one part, nothing kept around it).
 */
export type Part = {keep: string} | {text: string};

export function splitForTranslation(source: string): Part[] | undefined {
    const parts: Part[] = [];
    const keep = (s: string) => {
        if (!s) return;
        const last = parts[parts.length - 1];
        if (last && "keep" in last) last.keep += s; else parts.push({keep: s});
    };
    for (const line of source.split(/(\r?\n)/)) {
        if (/^\r?\n$/.test(line) || !/\p{L}/u.test(line)) { keep(line); continue; }
        const outer = extractPlaceholders(line).filter((p) => p.kind === "tag" || p.kind === "entity");
        let start = 0, end = line.length;
        for (;;) { // markup and whitespace that open the line
            const ws = /^\s+/.exec(line.slice(start));
            if (ws) { start += ws[0].length; continue; }
            const tag = outer.find((p) => p.index === start);
            if (tag) { start += tag.text.length; continue; }
            break;
        }
        for (;;) { // and that close it
            const ws = /\s+$/.exec(line.slice(start, end));
            if (ws) { end -= ws[0].length; continue; }
            const tag = outer.find((p) => p.index + p.text.length === end && p.index >= start);
            if (tag) { end = tag.index; continue; }
            break;
        }
        keep(line.slice(0, start));
        if (end > start) parts.push({text: line.slice(start, end)});
        keep(line.slice(end));
    }
    const texts = parts.filter((p) => "text" in p);
    if (texts.length === 0 || (texts.length === 1 && parts.length === 1)) return undefined;
    return parts;
}
