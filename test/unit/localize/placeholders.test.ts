import assert from "node:assert/strict";
import {checkPlaceholders, extractPlaceholders} from "../../../src/localize/placeholders";
import {cleanOutput} from "../../../src/localize/clean";

describe("localize: placeholders", () => {
    it("finds the placeholders of every common style, with their kind", () => {
        const cases: [string, [string, string][]][] = [
            ["Hello {name}, you have {count, number} items", [["brace", "{name}"], ["brace", "{count, number}"]]],
            ["Total: {0:N2} of {1}", [["brace", "{0:N2}"], ["brace", "{1}"]]],
            ["Welcome {{ user.name }} and {{{raw}}} {{- esc}}", [["mustache", "{{ user.name }}"], ["mustache", "{{{raw}}}"], ["mustache", "{{- esc}}"]]],
            ["Sum ${total} here", [["template", "${total}"]]],
            ["%s saved %d files (%.2f%%) as %1$s, %2$d, %-5s, %lld, %@, %5.1f", [["printf", "%s"], ["printf", "%d"], ["printf", "%.2f"], ["printf", "%%"], ["printf", "%1$s"], ["printf", "%2$d"], ["printf", "%-5s"], ["printf", "%lld"], ["printf", "%@"], ["printf", "%5.1f"]]],
            ["%(name)s has %(count)d", [["python", "%(name)s"], ["python", "%(count)d"]]],
            ["Hi %{user}, %<n>d left", [["ruby", "%{user}"], ["ruby", "%<n>d"]]],
            ["Copy %1 to %2 (%L3)", [["qt", "%1"], ["qt", "%2"], ["qt", "%L3"]]],
            ["$unit.name| attacks $enemy with $[officename]", [["dollar", "$unit.name|"], ["dollar", "$enemy"], ["dollar", "$[officename]"]]],
            ["Start %PRODUCTNAME now", [["constant", "%PRODUCTNAME"]]],
            ["Click <b>here</b> or <a href=\"{url}\">there</a><br/> <0>zero</0>", [["tag", "<b>"], ["tag", "</b>"], ["tag", "<a href=\"{url}\">"], ["tag", "</a>"], ["tag", "<br/>"], ["tag", "<0>"], ["tag", "</0>"]]],
            ["Fish &amp; chips&nbsp;&#169;", [["entity", "&amp;"], ["entity", "&nbsp;"], ["entity", "&#169;"]]],
            ["See $t(common.more) and @:menu.file", [["nesting", "$t(common.more)"], ["nesting", "@:menu.file"]]],
            ["Visit https://example.org/a?b=1. Or mail me@example.org.", [["url", "https://example.org/a?b=1"], ["url", "me@example.org"]]],
            ["Odd {user | upper} and [[token]] and %HOME% and __KEY__ and [%x%] and <<tpl>> and #{ruby}", [["unknown", "{user | upper}"], ["unknown", "[[token]]"], ["unknown", "%HOME%"], ["unknown", "__KEY__"], ["unknown", "[%x%]"], ["unknown", "<<tpl>>"], ["unknown", "#{ruby}"]]],
            ["No placeholders: 50% off, a (small) [note], e-mail, 3 < 4, C# and $5", []],
        ];
        for (const [text, want] of cases) assert.deepEqual(extractPlaceholders(text).map((p) => [p.kind, p.text]), want, text);
    });

    it("passes a translation that keeps every placeholder (any order for positional ones, {{ }} spacing free)", () => {
        const ok: [string, string][] = [
            ["Hello {name}!", "Hallo {name}!"],
            ["%1$s saved %2$d files", "%2$d Dateien von %1$s gespeichert"],
            ["{{ count }} items", "{{count}} Elemente"],
            ["Click <b>here</b>", "Klicken Sie <b>hier</b>"],
            ["Odd {user | upper}", "Seltsam {user | upper}"],
            ["Line\n", "Zeile\n"],
        ];
        for (const [s, t] of ok) assert.deepEqual(checkPlaceholders(s, t), {ok: true, missing: [], extra: [], problems: []}, `${s} -> ${t}`);
    });

    it("reports missing, invented, reordered, mis-nested placeholders, line breaks and required tokens", () => {
        const c = (s: string, t: string, keep?: string[]) => checkPlaceholders(s, t, {keep});
        assert.deepEqual(c("Hello {name}!", "Hallo!").missing, ["{name}"]);
        assert.deepEqual(c("Hello {name}!", "Hallo {Name}!").problems, ["missing {name}", "not in the source: {Name}"]);
        assert.deepEqual(c("{n} and {n}", "{n}").missing, ["{n}"], "a placeholder used twice must be there twice");
        assert.deepEqual(c("%s of %d", "%d von %s").problems, ["printf directives without a position must keep their order: %s %d became %d %s (use %1$s %2$d to reorder)"]);
        assert.deepEqual(c("<b>x</b>", "</b>x<b>").problems, ["tags are not properly nested any more"]);
        assert.deepEqual(c("Line\n", "Zeile").problems, ["the source ends with a line break; the translation does not"]);
        assert.deepEqual(c("[[token]] x", "[[Token]] x").missing, ["[[token]]"], "an unknown placeholder is preserved verbatim");
        assert.deepEqual(c("You have 5 files", "Sie haben fünf Dateien", ["5"]).problems, [`"5" must occur once (found 0)`]);
        assert.equal(c("You have 5 files", "Sie haben 5 Dateien (15)", ["5"]).ok, true, "whole numbers only");
    });

    it("cleans a model's answer: labels, quotes, comment paragraphs, the source's outer whitespace", () => {
        assert.equal(cleanOutput("Open the file", "German: Öffnen Sie die Datei", "de"), "Öffnen Sie die Datei");
        assert.equal(cleanOutput("Open the file", "\"Öffnen Sie die Datei\"", "de"), "Öffnen Sie die Datei");
        assert.equal(cleanOutput("\"Quoted\" text", "\"Zitierter\" Text", "de"), "\"Zitierter\" Text");
        assert.equal(cleanOutput("Open the file", "Datei öffnen\n\nNote: formal register.", "de"), "Datei öffnen");
        assert.equal(cleanOutput("Name: ", "Name:", "de"), "Name: ");
        assert.equal(cleanOutput("\nLine\n", "Zeile", "de"), "\nZeile\n");
        assert.equal(cleanOutput("One\ntwo", "Eins\nzwei", "de"), "Eins\nzwei");
        assert.equal(cleanOutput("x", "   ", "de"), "");
        assert.equal(cleanOutput("Open the file", "Here is the translation:\nÖffnen Sie die Datei", "de"), "Öffnen Sie die Datei");
    });
});
