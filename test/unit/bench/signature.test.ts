import assert from "node:assert/strict";
import {drafterFileOf} from "../../../src/bench/signature";

describe("drafterFileOf (the drafter file a result's signature names)", () => {
    const files: Record<string, string> = {"mono|de": "/t/de.ngram", "task|de": "/t/de-task.ngram", "self|de": "/t/de-self.ngram", "variant|de|3|1|2": "/t/de-o3.ngram"};
    const tables = {file: (k: string) => files[k]};
    const of = (r: Parameters<typeof drafterFileOf>[0]) => drafterFileOf(r, tables, "/m/draft.gguf");
    it("maps every drafter of the grid to its table or model, and the others to none", () => {
        assert.equal(of({kind: "sim", lang: "de", drafter: "ngram-mono"}), "/t/de.ngram");
        assert.equal(of({kind: "live", lang: "de", drafter: "ngram-mono k=1"}), "/t/de.ngram");
        assert.equal(of({kind: "live", lang: "de", drafter: "cascade"}), "/t/de.ngram");
        assert.equal(of({kind: "sim", lang: "de", drafter: "ngram-task"}), "/t/de-task.ngram");
        assert.equal(of({kind: "sim", lang: "de", drafter: "ngram-self"}), "/t/de-self.ngram");
        assert.equal(of({kind: "sim", lang: "de", drafter: "ngram o3 f1 m2", params: {order: 3, fraction: 1, minCount: 2}}), "/t/de-o3.ngram");
        assert.equal(of({kind: "live", lang: "de", drafter: "draft-model k=2"}), "/m/draft.gguf");
        assert.equal(of({kind: "live", lang: "de", drafter: "nlc-draft-sequence"}), "/m/draft.gguf");
        for (const d of ["lookup k=2", "none", "nlc-input-lookup"]) assert.equal(of({kind: "live", lang: "de", drafter: d}), undefined, d);
        assert.equal(of({kind: "sim", lang: "zh", drafter: "ngram-mono"}), undefined, "no table for that language");
        assert.equal(of({kind: "quality", lang: "de"}), undefined);
    });
});
