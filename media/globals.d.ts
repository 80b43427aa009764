// What the webview host provides to media/stats.js (type-checking only).
interface VsCodeApi {
    postMessage(message: import("../src/vscode/common/protocol").FromWebview): void;
    getState(): unknown;
    setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
