/**
 * The statistics webview's page (no vscode import, so it is unit-tested). Content-Security-Policy: nothing by
 * default; images, styles and fonts only from the webview's own resource origin (media/); scripts only with this
 * page's nonce. No 'unsafe-inline', no 'unsafe-eval', no inline style or script: the page is one stylesheet link
 * and one nonce'd script tag.
 */
export interface PanelPage {
    /** A fresh random nonce per page (base64). */
    nonce: string;
    /** webview.cspSource: the origin the webview serves media/ from. */
    cspSource: string;
    /** webview URIs of media/stats.css and media/stats.js. */
    styleUri: string;
    scriptUri: string;
    /** The editor's display language (vscode.env.language). */
    lang: string;
    title: string;
}

export function contentSecurityPolicy(p: Pick<PanelPage, "nonce" | "cspSource">): string {
    return [
        "default-src 'none'",
        `img-src ${p.cspSource} data:`,
        `style-src ${p.cspSource}`,
        `font-src ${p.cspSource}`,
        `script-src 'nonce-${p.nonce}'`,
    ].join("; ");
}

export function panelHtml(p: PanelPage): string {
    return `<!DOCTYPE html>
<html lang="${attr(p.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(p))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>${escapeHtml(p.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
    return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
/** For a double-quoted attribute value (single quotes, as in the CSP's 'none', stay as they are). */
const attr = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
