/**
 * The status bar as a state machine (pure: no vscode). `transition(state, event)` is total: an event that makes
 * no sense in a state leaves the state unchanged. `present(state, t)` turns a state into what the status bar item
 * shows; `t` is vscode.l10n.t (or a stand-in in tests), so every string here is localizable.
 *
 *   noModel --load--> loading --loaded--> ready --start--> busy --finish--> ready
 *                        |                  ^                  |
 *                    loadFailed             +--- dismiss ---  fail --> error --start--> busy
 */
export type Job = "translate" | "story" | "inline" | "train" | "fetch";

export type StatusState =
    | {kind: "idle"; model: string}
    | {kind: "noModel"}
    | {kind: "loading"; model: string; pct?: number; stage?: string}
    | {kind: "ready"; model: string}
    | {kind: "busy"; model: string; job: Job; lang?: string; drafter?: string; tokens?: number; tokensPerSecond?: number; acceptance?: number; drafted?: number; pct?: number}
    | {kind: "error"; message: string; model?: string};

export type StatusEvent =
    | {type: "configured"; model: string}
    | {type: "noModel"}
    | {type: "load"; model: string}
    | {type: "loadProgress"; pct?: number; stage?: string}
    | {type: "loaded"; model: string}
    | {type: "loadFailed"; message: string}
    | {type: "start"; job: Job; lang?: string; drafter?: string}
    | {type: "progress"; tokens?: number; tokensPerSecond?: number; acceptance?: number; drafted?: number; pct?: number; drafter?: string}
    | {type: "finish"}
    | {type: "fail"; message: string}
    | {type: "dismiss"};

export const INITIAL: StatusState = {kind: "noModel"};

export function transition(s: StatusState, e: StatusEvent): StatusState {
    switch (e.type) {
        case "configured":
            return s.kind === "noModel" || s.kind === "idle" || (s.kind === "error" && !s.model) ? {kind: "idle", model: e.model} : s;
        case "noModel":
            return s.kind === "busy" ? s : {kind: "noModel"};
        case "load":
            return s.kind === "busy" ? s : {kind: "loading", model: e.model};
        case "loadProgress":
            return s.kind === "loading" ? {...s, pct: e.pct ?? s.pct, stage: e.stage ?? s.stage} : s;
        case "loaded":
            return s.kind === "loading" || s.kind === "idle" || s.kind === "noModel" || s.kind === "error" ? {kind: "ready", model: e.model} : s;
        case "loadFailed":
            return s.kind === "loading" ? {kind: "error", message: e.message} : s;
        case "start":
            // fetching a model needs no loaded one; everything else runs on a loaded model
            if (e.job === "fetch") return s.kind === "busy" ? s : {kind: "busy", model: modelOf(s) ?? "", job: "fetch"};
            if (s.kind === "ready" || (s.kind === "error" && s.model)) return {kind: "busy", model: s.model!, job: e.job, lang: e.lang, drafter: e.drafter};
            return s;
        case "progress":
            if (s.kind !== "busy") return s;
            return {...s, tokens: e.tokens ?? s.tokens, tokensPerSecond: e.tokensPerSecond ?? s.tokensPerSecond, acceptance: e.acceptance ?? s.acceptance, drafted: e.drafted ?? s.drafted, pct: e.pct ?? s.pct, drafter: e.drafter ?? s.drafter};
        case "finish":
            if (s.kind !== "busy") return s;
            return s.model ? {kind: "ready", model: s.model} : {kind: "noModel"};
        case "fail":
            return s.kind === "busy" ? {kind: "error", message: e.message, model: s.model || undefined} : s;
        case "dismiss":
            return s.kind === "error" ? (s.model ? {kind: "ready", model: s.model} : {kind: "noModel"}) : s;
    }
}

function modelOf(s: StatusState): string | undefined {
    return "model" in s ? s.model : undefined;
}

export type Translate = (message: string, ...args: (string | number)[]) => string;

export interface StatusView {
    text: string;
    tooltip: string;
    /** Command run on click. */
    command: string;
    severity: "normal" | "warning" | "error";
    /** Whether the Cancel item is shown next to it. */
    cancellable: boolean;
}

const fmt1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(1));
const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : `${Math.round(x * 100)}%`);
/**
 * Tokens before the live speed is shown: the first steps of a generation (timer granularity, the first verification)
 * make a tokens/s of a handful of tokens noise.
 */
export const MIN_LIVE_TOKENS = 8;
/** tokens/s once MIN_LIVE_TOKENS stand behind it, else "…" (still measuring). */
const liveSpeed = (s: {tokens?: number; tokensPerSecond?: number}) => (s.tokens ?? 0) < MIN_LIVE_TOKENS ? "…" : fmt1(s.tokensPerSecond);
/** Acceptance with the number of drafts behind it ("46% of 24"), "–" before the first draft. */
const acceptedOf = (s: {acceptance?: number; drafted?: number}) => (s.drafted ?? 0) > 0 ? `${pct(s.acceptance)} of ${s.drafted}` : "–";

export function present(s: StatusState, t: Translate): StatusView {
    const stats = "polyspec.showStatistics";
    switch (s.kind) {
        case "noModel":
            return {text: "$(circle-slash) Polyspec", tooltip: t("Polyspec: no model selected. Click to select one."), command: "polyspec.selectModel", severity: "warning", cancellable: false};
        case "idle":
            return {text: "$(circle-outline) Polyspec", tooltip: t("Polyspec: model {0}, loads on first use. Click for statistics.", s.model), command: stats, severity: "normal", cancellable: false};
        case "loading":
            return {text: `$(loading~spin) Polyspec ${s.pct === undefined ? "" : `${Math.round(s.pct)}%`}`.trimEnd(),
                tooltip: t("Polyspec: loading model {0}", s.model) + (s.stage ? ` (${s.stage})` : ""), command: stats, severity: "normal", cancellable: false};
        case "ready":
            return {text: "$(zap) Polyspec", tooltip: t("Polyspec: {0} ready. Click for speculation statistics.", s.model), command: stats, severity: "normal", cancellable: false};
        case "busy": {
            if (s.job === "train" || s.job === "fetch") {
                const what = s.job === "train" ? t("training drafter") : t("downloading model");
                return {text: `$(loading~spin) ${what}${s.pct === undefined ? "" : ` ${Math.round(s.pct)}%`}`, tooltip: `Polyspec: ${what}${s.lang ? ` (${s.lang})` : ""}`,
                    command: stats, severity: "normal", cancellable: true};
            }
            const readout = `${liveSpeed(s)} tok/s · ${acceptedOf(s)} · ${s.drafter ?? "–"}`;
            const job = s.job === "translate" ? t("translating") : s.job === "story" ? t("continuing story") : t("inline suggestion");
            const tooltip = [
                `Polyspec: ${job}${s.lang ? ` → ${s.lang}` : ""}`,
                t("Tokens: {0}", s.tokens ?? 0),
                t("Speed: {0} tokens/s", liveSpeed(s)),
                t("Draft acceptance: {0}", (s.drafted ?? 0) > 0 ? t("{0} of {1} drafted tokens", pct(s.acceptance), s.drafted ?? 0) : t("no drafts yet")),
                t("Drafter: {0}", s.drafter ?? "–"),
                t("Model: {0}", s.model),
                t("Click for statistics."),
            ].join("\n");
            return {text: `$(loading~spin) ${readout}`, tooltip, command: stats, severity: "normal", cancellable: s.job !== "inline"};
        }
        case "error":
            return {text: "$(error) Polyspec", tooltip: t("Polyspec error: {0}", s.message), command: s.model ? stats : "polyspec.selectModel", severity: "error", cancellable: false};
    }
}
