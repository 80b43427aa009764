// Playwright helpers for driving the VS Code workbench (code-server) in Chromium. Selectors are VS Code's own
// DOM classes (quick input, monaco editor, status bar, webview iframes).

export class Workbench {
    constructor(page, log) {
        this.page = page;
        this.log = log;
    }

    async open(url) {
        await this.page.goto(url);
        await this.page.waitForSelector(".monaco-workbench", {timeout: 90_000});
        await this.page.waitForSelector(".statusbar", {timeout: 60_000});
    }

    /** The Polyspec main status bar item (its accessible label starts with "Polyspec <state>"). */
    status() {
        return this.page.locator('.statusbar-item[aria-label^="Polyspec "]').filter({hasNotText: "Inline"}).first();
    }

    async statusLabel() {
        return (await this.status().getAttribute("aria-label").catch(() => "")) ?? "";
    }

    /** Waits until the status bar item's state is one of `kinds` (e.g. ["ready"]). */
    async waitStatus(kinds, timeout = 120_000, {reject = ["error"]} = {}) {
        const end = Date.now() + timeout;
        let label = "";
        while (Date.now() < end) {
            label = await this.statusLabel();
            const kind = /^Polyspec (\w+)/.exec(label)?.[1];
            if (kind && kinds.includes(kind)) return label;
            if (kind && reject.includes(kind)) throw new Error(`status bar: ${label}`);
            await this.page.waitForTimeout(250);
        }
        throw new Error(`status bar still "${label}" after ${timeout} ms (waited for ${kinds.join("|")})`);
    }

    async quickInput() {
        const input = this.page.locator(".quick-input-widget input");
        await input.waitFor({state: "visible", timeout: 15_000});
        return input;
    }

    async runCommand(label) {
        await this.page.keyboard.press("F1");
        const input = await this.quickInput();
        await input.fill(">" + label);
        await this.page.locator(".quick-input-list .monaco-list-row", {hasText: label}).first().waitFor({timeout: 15_000});
        await this.page.keyboard.press("Enter");
    }

    /**
     * Picks an item in the open quick pick by typing `filter` and choosing the row that shows `row`. `placeholder`
     * (part of the quick pick's placeholder) makes sure the right quick pick is open before typing.
     */
    async pick(filter, row = filter, placeholder) {
        if (placeholder) await this.page.locator(`.quick-input-widget input[placeholder*="${placeholder}"]`).waitFor({state: "visible", timeout: 15_000});
        const input = await this.quickInput();
        await input.fill(filter);
        await this.page.locator(".quick-input-list .monaco-list-row", {hasText: row}).first().waitFor({timeout: 15_000});
        await this.page.keyboard.press("Enter");
    }

    async openFile(name) {
        await this.page.keyboard.press("Control+P");
        const input = await this.quickInput();
        await input.fill(name);
        const row = this.page.locator(".quick-input-list .monaco-list-row", {hasText: name}).first();
        await row.waitFor({timeout: 15_000});
        await row.click();
        await this.page.locator(`.tab.active[aria-label*="${name}"]`).first().waitFor({timeout: 15_000});
        await this.page.locator(".editor-instance .monaco-editor.focused").first().waitFor({timeout: 15_000}); // keyboard focus is in it
    }

    /** The focused editor (else the first one). */
    editor() {
        return this.page.locator(".editor-instance .monaco-editor.focused, .editor-group-container.active .editor-instance .monaco-editor").first();
    }

    /** The visible text of the active editor (the files used here fit on the screen). */
    async editorText() {
        const lines = await this.editor().locator(".view-lines .view-line").evaluateAll((els) =>
            els.map((e) => ({top: parseFloat(e.style.top || "0"), text: e.textContent ?? ""})).sort((a, b) => a.top - b.top).map((l) => l.text));
        return lines.join("\n").replace(/\u00a0/g, " ");
    }

    /**
     * The active editor's text with all whitespace runs collapsed to one space: word wrap (on for Markdown, and
     * in narrow editor groups) splits a line into several rendered lines.
     */
    async editorFlat() {
        return flat(await this.editorText());
    }

    /** Polls the (flattened) editor text until `ok(text)` holds. */
    async waitEditor(ok, timeout = 60_000, what = "editor text") {
        const end = Date.now() + timeout;
        let text = "";
        while (Date.now() < end) {
            text = await this.editorFlat();
            if (ok(text)) return text;
            await this.page.waitForTimeout(250);
        }
        throw new Error(`${what} not reached after ${timeout} ms; editor: ${JSON.stringify(text.slice(0, 400))}`);
    }

    /** Notification toasts are suppressed under the smoke-test driver: look in the notification center. */
    async seeNotification(text, timeout = 20_000) {
        const any = this.page.locator(".notification-list-item", {hasText: text});
        try { await any.first().waitFor({timeout: 3000}); return await any.first().innerText(); } catch { /* open the center */ }
        await this.runCommand("Notifications: Show Notifications");
        const item = this.page.locator(".notifications-center .notification-list-item", {hasText: text}).first();
        await item.waitFor({timeout});
        const t = await item.innerText();
        await this.page.keyboard.press("Escape");
        return t;
    }

    /** The content frame of the (only) webview panel. */
    webview() {
        return this.page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
    }

    /**
     * The Playwright frames of the (only) webview panel: `host`, VS Code's webview page (pre/index.html, which
     * relays messages between the extension and the content), and `content`, the extension's document in it.
     */
    async webviewFrames() {
        const host = await (await this.page.waitForSelector("iframe.webview.ready", {state: "attached", timeout: 30_000})).contentFrame();
        const content = await (await host.waitForSelector("iframe#active-frame", {state: "attached", timeout: 30_000})).contentFrame();
        return {host, content};
    }

    async shot(file) {
        await this.page.screenshot({path: file});
        this.log(`screenshot ${file}`);
    }
}

export const flat = (s) => s.replace(/\s+/g, " ").trim();
