import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {createLanguageIdentifier} from "../../src/core/langid";
import {Engine} from "../../src/engine/engine";
import {engineTranslator, findPair, localizeFile, readReview, checkPlaceholders, type JobEvent} from "../../src/localize";
import {requireModel} from "../helpers/models";

/** An i18n JSON pair as an app keeps it: de.json lacks 6 keys (placeholders of five styles, an ICU plural, HTML). */
const EN = `{
  "app": {
    "title": "Travel Planner",
    "subtitle": "Plan your next trip with friends."
  },
  "trip": {
    "create": "Create a new trip",
    "delete": "Delete the trip to {destination}?",
    "members": "{count, plural, one {# traveller} other {# travellers}}",
    "budget": "Your budget for this trip is %s euros.",
    "invite": "Invite %1$s to the trip to %2$s."
  },
  "errors": {
    "network": "The network is not available. Please try again later.",
    "save": "Could not save the trip <b>{{name}}</b>."
  }
}
`;
const DE = `{
  "app": {
    "title": "Reiseplaner"
  },
  "trip": {
    "create": "Eine neue Reise erstellen"
  },
  "errors": {
    "network": "Das Netzwerk ist nicht verfügbar. Bitte versuchen Sie es später erneut."
  }
}
`;

describe("localize end to end on the default model (qwen2.5-coder-1.5b)", function () {
    this.timeout(900_000);
    let engine: Engine;
    before(async function () { engine = await Engine.create({model: requireModel(this, "qwen2.5-coder-1.5b")}); });
    after(async () => { await engine?.dispose(); });

    it("fills the missing keys of de.json in German, keeping every placeholder, and changes nothing else", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-localize-real-"));
        fs.writeFileSync(path.join(dir, "en.json"), EN);
        fs.writeFileSync(path.join(dir, "de.json"), DE);
        const pair = findPair(path.join(dir, "de.json"), {lang: "de"});
        const events: JobEvent[] = [];
        const r = await localizeFile({pair, translate: engineTranslator(engine, {lang: "de"}), onEvent: (e) => events.push(e)});
        const text = fs.readFileSync(pair.target, "utf8");
        const out = JSON.parse(text);
        const src = JSON.parse(EN);
        console.log(text);
        console.log(`      ${JSON.stringify(r.summary)}`);
        // the keys the target had are unchanged
        assert.equal(out.app.title, "Reiseplaner");
        assert.equal(out.trip.create, "Eine neue Reise erstellen");
        assert.equal(out.errors.network, "Das Netzwerk ist nicht verfügbar. Bitte versuchen Sie es später erneut.");
        // every missing key was translated or flagged (and then listed), none silently dropped
        assert.equal(r.summary.units, 6);
        assert.equal(r.summary.translated + r.summary.flagged, 6);
        assert.ok(r.summary.translated >= 5, `translated ${r.summary.translated} of 6`);
        const review = readReview(pair.target)!;
        assert.equal(review.entries.filter((e) => e.status === "machine").length, r.summary.translated);
        // source order and layout: keys in the order of en.json, 2-space indentation
        assert.deepEqual(Object.keys(out.trip), Object.keys(src.trip).filter((k) => k in out.trip));
        assert.match(text, /^\{\n {2}"app": \{\n {4}"title": "Reiseplaner",\n {4}"subtitle": "/);
        // placeholders kept in everything written; the plural stayed a valid ICU message
        const written: [string, string][] = [["app.subtitle", out.app.subtitle], ["trip.delete", out.trip.delete], ["trip.budget", out.trip.budget], ["trip.invite", out.trip.invite], ["errors.save", out.errors.save], ["trip.members", out.trip.members]];
        for (const [k, v] of written) {
            if (v === undefined) continue;
            const s = k.split(".").reduce((o: Record<string, unknown>, x) => o[x] as Record<string, unknown>, src) as unknown as string;
            if (k !== "trip.members") assert.ok(checkPlaceholders(s, v).ok, `${k}: ${v}`);
        }
        if (out.trip.members) assert.match(out.trip.members, /^\{count, plural, one \{.*#.*\} other \{.*#.*\}\}$/);
        // German, by the language identifier
        const id = createLanguageIdentifier();
        await id.ready();
        const langs = [out.app.subtitle, out.trip.delete, out.trip.budget].filter(Boolean).map((v) => id.identify(v)?.code);
        assert.ok(langs.filter((c) => c === "de").length >= 2, `identified as ${langs.join(", ")}`);
        // progress per text, in an order that puts similar texts together
        const items = events.filter((e) => e.type === "item");
        assert.equal(items.length, r.summary.items);
        assert.ok(r.summary.tokens > 0 && r.summary.tokensPerSecond! > 0);
    });
});
