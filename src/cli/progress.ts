/**
 * A terminal progress bar with rate and ETA, written to stderr so that stdout stays clean for results and --json.
 * On a non-TTY stderr it prints a line every 10% instead of redrawing.
 */
export class ProgressBar {
    private readonly start = Date.now();
    private lastDraw = 0;
    private lastPct = -1;
    constructor(private readonly label: string, private total: number, private readonly unit = "", private readonly stream: NodeJS.WriteStream = process.stderr) {}

    update(done: number, total = this.total, note = ""): void {
        this.total = total;
        const now = Date.now();
        const frac = total > 0 ? Math.min(1, done / total) : 0;
        const pct = Math.floor(frac * 100);
        if (!this.stream.isTTY) {
            if (pct >= this.lastPct + 10 || (done >= total && this.lastPct < 100)) {
                this.lastPct = pct - (pct % 10);
                this.stream.write(`${this.label}: ${pct}% ${note}\n`);
            }
            return;
        }
        if (now - this.lastDraw < 100 && done < total) return;
        this.lastDraw = now;
        const width = 30;
        const filled = Math.round(frac * width);
        const secs = (now - this.start) / 1000;
        const rate = secs > 0 ? done / secs : 0;
        const eta = rate > 0 && total > done ? (total - done) / rate : 0;
        const bar = "█".repeat(filled) + "░".repeat(width - filled);
        this.stream.write(`\r${this.label} ${bar} ${pct.toString().padStart(3)}% ${fmt(rate)}${this.unit}/s ETA ${fmtTime(eta)} ${note}\x1b[K`);
    }

    done(message = ""): void {
        if (this.stream.isTTY) this.stream.write(`\r\x1b[K`);
        if (message) this.stream.write(message + "\n");
    }
}

function fmt(n: number): string {
    if (n >= 1e6) return (n / 1e6).toFixed(1) + "M";
    if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
    return n.toFixed(n < 10 ? 1 : 0);
}

export function fmtTime(s: number): string {
    if (!Number.isFinite(s)) return "?";
    const m = Math.floor(s / 60);
    return m > 0 ? `${m}m${Math.round(s % 60).toString().padStart(2, "0")}s` : `${s.toFixed(0)}s`;
}
