import {CostCurve} from "../core/policy";

/**
 * GPU-class verification cost curves for the benchmark's GPU projection, taken from PUBLISHED llama.cpp
 * measurements (no GPU is lent to this project). Each number below sits beside its source: the page, what was
 * measured (GPU, model, quantization, llama.cpp test) and the raw figure it comes from.
 *
 * How a batch cost is derived from llama-bench: `llama-bench -ub N -p 512` (or the older `-p N`) processes a prompt
 * in micro-batches of N tokens and reports tokens per second, t/s(N). One batch of N tokens then takes N / t/s(N)
 * seconds and one decode step 1 / t/s(1), so the cost of a batch of N relative to one decode step is
 *
 *     ratio(N) = N * t/s(1) / t/s(N)
 *
 * A micro-batch in a prompt run is what a verification is: N tokens evaluated in one call, logits at every
 * position (llama-bench computes all outputs of a prompt batch). The KV depth differs: a pp512 run averages ~256
 * tokens of context, pp16384 ~8k; both are stated per profile.
 *
 * What these curves are NOT: timings of Polyspec on a GPU. Different kernels, builds and models give different
 * curves (the A100 table below has a 2.3x cliff where llama.cpp switched kernels at 9 tokens); the projection
 * says what our measured acceptance would give on such a curve, nothing more.
 */
export interface Source {
    /** Page the numbers were read from. */
    readonly url: string;
    /** What was measured: GPU, model, quantization, llama.cpp test, build date. */
    readonly measured: string;
}

export interface GpuProfile {
    readonly id: string;
    /** One line for reports: GPU class, model size and format. */
    readonly label: string;
    readonly gpuClass: "consumer" | "datacenter";
    /** Published (or, kind "assumed", assumed) batch cost relative to one decode step, n -> ratio; n = 1 is 1. */
    readonly ratio: Readonly<Record<number, number>>;
    /** The published decode step of the measured model on that GPU (1000 / t/s(1)), in ms. */
    readonly stepMs?: number;
    /** A draft model's per-token cost relative to one target decode step, where published. */
    readonly draft?: {readonly ratio: number; readonly what: string; readonly source: Source; readonly derived?: string};
    readonly source: Source;
    /** "published": every ratio is computed from the source's figures; "assumed": not measured by anyone (see note). */
    readonly kind: "published" | "assumed";
    /** Where a number is derived across sources, extrapolated or assumed: said here. */
    readonly note?: string;
}

/** ratio(N) = N * tps(1) / tps(N), rounded to 3 decimals, for the published t/s table `tps` (n -> t/s). */
export function ratiosFromThroughput(tps: Readonly<Record<number, number>>): Record<number, number> {
    const one = tps[1];
    if (!(one > 0)) throw new Error("a throughput table needs t/s at n = 1");
    const out: Record<number, number> = {};
    for (const [k, v] of Object.entries(tps)) {
        const n = Number(k);
        if (!(v > 0)) throw new Error(`t/s at n = ${n} must be positive`);
        out[n] = Math.round((n * one / v) * 1000) / 1000;
    }
    return out;
}

// --- the published tables (t/s per micro-batch size; "master" column where a PR compares two builds) -----------

/** RTX 3090, Llama 3 8B Q4_0, FlashAttention on, pp512, llama.cpp master of 2025-09 (mmvq kernels for n <= 8). */
const RTX3090_8B_Q4_0: Record<number, number> = {1: 155.02, 2: 277.36, 3: 390.23, 4: 468.95, 5: 514.50, 6: 529.37, 7: 559.17, 8: 570.67};
/** RTX 3090, Gemma 2B F16, pp16384 (long context), llama.cpp master of 2025-02. */
const RTX3090_GEMMA2B_F16: Record<number, number> = {1: 151.98, 2: 248.87, 3: 369.76, 4: 498.01, 6: 727.41, 8: 951.74, 12: 1349.70, 16: 1740.43};
/** A100 (SXM4 80GB), CodeLlama 34B Q8_0, `llama-bench -p 1..11`, llama.cpp of 2024-03. */
const A100_34B_Q8_0: Record<number, number> = {1: 34.67, 2: 64.67, 3: 92.92, 4: 108.26, 5: 135.18, 6: 134.88, 7: 150.72, 8: 160.81, 9: 80.38, 10: 89.21, 11: 97.64};

const LLAMA_CPP = "https://github.com/ggml-org/llama.cpp";

export const GPU_PROFILES: readonly GpuProfile[] = [
    {
        id: "rtx3090-8b-q4_0",
        label: "RTX 3090 (consumer), 8B Q4_0 target",
        gpuClass: "consumer",
        ratio: {...ratiosFromThroughput(RTX3090_8B_Q4_0),
            // n = 16 from ANOTHER source (see note): 16 * 155.02 / 914.10
            16: Math.round((16 * 155.02 / 914.10) * 1000) / 1000},
        stepMs: Math.round(1000 / 155.02 * 100) / 100,
        source: {url: `${LLAMA_CPP}/pull/15802`,
            measured: "JohannesGaessler's llama-bench table 'CUDA: fastdiv, launch bounds for mmvq + q8_1 quant': RTX 3090, llama 8B Q4_0, FlashAttention yes, micro-batch 1..8, pp512, 't/s master' column (155.02, 277.36, 390.23, 468.95, 514.50, 529.37, 559.17, 570.67)"},
        kind: "published",
        note: "n = 1..8 from PR 15802 (2025-09). n = 16 is DERIVED from a different, older table (PR 7716, 2024-06, " +
            "'CUDA: refactor mmq, dmmv, mmvq': RTX 3090, llama 8B Q4_0, micro-batch 16, pp2048, 914.10 t/s in the PR column) " +
            "divided by PR 15802's n = 1: two builds and two context depths, so ratio(16) = 2.71 is an estimate. n = 9..15 are " +
            "interpolated by CostCurve. Above 8 tokens llama.cpp leaves the mmvq kernel for MMQ, so the curve is not smooth there.",
    },
    {
        id: "rtx3090-2b-f16",
        label: "RTX 3090 (consumer), 2B F16 target, 8k context",
        gpuClass: "consumer",
        ratio: ratiosFromThroughput(RTX3090_GEMMA2B_F16),
        stepMs: Math.round(1000 / 151.98 * 100) / 100,
        source: {url: `${LLAMA_CPP}/pull/12014`,
            measured: "JohannesGaessler's llama-bench table 'CUDA: optimize FA for GQA + large batches': RTX 3090, gemma 2B F16, micro-batch 1,2,3,4,6,8,12,16, pp16384, 't/s master' column (151.98, 248.87, 369.76, 498.01, 727.41, 951.74, 1349.70, 1740.43)"},
        kind: "published",
        note: "pp16384: the KV depth averages ~8k tokens, deeper than Polyspec's requests (a few hundred to ~2k); attention " +
            "makes every step dearer there, so the ratios are if anything slightly pessimistic for short contexts.",
        draft: {
            ratio: Math.round((58.06 / 371.74) * 1000) / 1000,
            what: "a 1B F16 draft for an 8B BF16 target on an RTX 3090 (decode step of each)",
            source: {url: `${LLAMA_CPP}/pull/24216`,
                measured: "RTX 3090, llama 1B F16, micro-batch 1, pp512: 371.74 t/s (PR 24216 'CUDA: remove -sm row, refactor cuBLAS', master column); " +
                    "RTX 3090, llama 8B BF16, micro-batch 1, pp512: 58.06 t/s (PR 14262 'CUDA: mul_mat_v support for batch sizes > 1', master column, " +
                    `${LLAMA_CPP}/pull/14262)`},
            derived: "ratio = 58.06 / 371.74 = 0.156, across two PRs and builds (2025-06 and later); the draft is 1/8 of the target's size, not a 2B target's draft",
        },
    },
    {
        id: "a100-34b-q8_0",
        label: "A100 80GB (datacenter), 34B Q8_0 target",
        gpuClass: "datacenter",
        ratio: ratiosFromThroughput(A100_34B_Q8_0),
        stepMs: Math.round(1000 / 34.67 * 100) / 100,
        source: {url: `${LLAMA_CPP}/pull/5625`,
            measured: "ggerganov's llama-bench table in 'Implement stochastic speculative sampling' (2024-03): A100-SXM4-80GB, CodeLlama 34B Q8_0, -ngl 99, pp 1..11 (34.67, 64.67, 92.92, 108.26, 135.18, 134.88, 150.72, 160.81, 80.38, 89.21, 97.64 t/s)"},
        kind: "published",
        note: "An old build: at 9 tokens llama.cpp switched from the batched mat-vec kernel to MMQ and the batch cost jumped " +
            "from 1.72 to 3.88 steps; later builds (tensor-core MMQ, 2024-06) removed most of that cliff, so n >= 9 is pessimistic " +
            "for today's llama.cpp. n = 12..16 are extrapolated linearly by CostCurve from n = 10, 11.",
    },
    {
        id: "v100-7b-f16-draft",
        label: "V100 (datacenter), 7B F16 target with a 160M F16 draft",
        gpuClass: "datacenter",
        ratio: ratiosFromThroughput({1: 30.72, 2: 51.22, 3: 75.92}),
        stepMs: Math.round(1000 / 30.72 * 100) / 100,
        source: {url: `${LLAMA_CPP}/issues/3649`,
            measured: "ggerganov in 'Speculative Decoding is slower than expected on A100': Tesla V100-PCIE-16GB, open-llama 7B v2 F16, llama-bench -p 1,2,3,...: pp 1 = 30.72, pp 2 = 51.22, pp 3 = 75.92 t/s (2023-10)"},
        kind: "published",
        note: "Only n = 1..3 of that table are quoted here (the rest could not be read from the stored copy); n >= 4 is " +
            "extrapolated linearly by CostCurve. Its value is the draft ratio, measured on the same GPU in the same comment.",
        draft: {
            ratio: Math.round((30.72 / 619.43) * 1000) / 1000,
            what: "llama-160m F16 draft for the open-llama 7B F16 target, Tesla V100",
            source: {url: `${LLAMA_CPP}/issues/3649`, measured: "same comment: llama-160m F16, llama-bench tg 128 = 619.43 t/s; target pp 1 = 30.72 t/s"},
        },
    },
    {
        id: "ideal-memory-bound",
        label: "ASSUMED: a batch of up to 16 costs one decode step",
        gpuClass: "datacenter",
        ratio: {1: 1, 16: 1},
        source: {url: "https://arxiv.org/abs/2211.17192",
            measured: "not a measurement: the memory-bound idealisation of Leviathan et al. (speculative decoding), where verifying a few tokens costs about one forward pass of the target"},
        kind: "assumed",
        note: "An upper bound for what verification batching can give; none of the published llama.cpp tables above reaches it " +
            "(their batch of 8 costs 1.3 to 2.2 decode steps).",
    },
];

export function findGpuProfile(id: string): GpuProfile {
    const p = GPU_PROFILES.find((g) => g.id === id);
    if (!p) throw new Error(`unknown GPU profile "${id}" (known: ${GPU_PROFILES.map((g) => g.id).join(", ")})`);
    return p;
}

/**
 * The cost points (n -> ms) of a profile for a target whose decode step takes `decodeStepMs` (default: the
 * profile's published step). These are what src/bench/sweep.ts takes as `curvePoints`.
 */
export function gpuCurvePoints(profile: GpuProfile, decodeStepMs = profile.stepMs): Record<number, number> {
    if (!(decodeStepMs !== undefined && decodeStepMs > 0)) throw new Error(`GPU profile ${profile.id}: give a positive decode step time in ms`);
    if (profile.ratio[1] !== 1) throw new Error(`GPU profile ${profile.id}: ratio(1) must be 1`);
    const out: Record<number, number> = {};
    for (const [n, r] of Object.entries(profile.ratio)) out[Number(n)] = r * decodeStepMs;
    return out;
}

/**
 * The profile as a fixed (non-adaptive) CostCurve over n = 1..16: the projection must not learn from the CPU
 * times the simulation would otherwise feed back into it. Between published sizes CostCurve interpolates
 * linearly, beyond the last one it extrapolates from the last two (each profile's note says where that happens).
 */
export function gpuCostCurve(profile: GpuProfile, decodeStepMs = profile.stepMs): CostCurve {
    return new CostCurve(gpuCurvePoints(profile, decodeStepMs), 16, false);
}

/** A draft model's time per drafted token on that GPU class (ms), where the profile has a published ratio. */
export function gpuDraftMsPerToken(profile: GpuProfile, decodeStepMs = profile.stepMs): number | undefined {
    if (!profile.draft || decodeStepMs === undefined) return undefined;
    return profile.draft.ratio * decodeStepMs;
}
