/** Small dependency-free SVG charts for the benchmark report (no remote content, readable in light and dark). */

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (x: number) => Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);

export interface BarGroup { label: string; values: (number | undefined)[] }

/** Grouped bars (one group per category, one bar per series) with an optional reference line (e.g. 1.0x). */
export function barChart(title: string, series: string[], groups: BarGroup[], o: {yLabel?: string; refLine?: number} = {}): string {
    const W = Math.max(480, 60 + groups.length * (series.length * 12 + 18)), H = 300, L = 50, B = 60, T = 30, R = 150;
    const max = Math.max(o.refLine ?? 0, ...groups.flatMap((g) => g.values.filter((v): v is number => v !== undefined && Number.isFinite(v)))) * 1.1 || 1;
    const y = (v: number) => T + (H - T - B) * (1 - v / max);
    const gw = (W - L - R) / Math.max(1, groups.length), bw = Math.max(3, Math.min(14, (gw - 8) / series.length));
    let s = svgOpen(W, H, title);
    s += axis(L, T, W - R, H - B, max, y, o.yLabel);
    groups.forEach((g, gi) => {
        const x0 = L + gi * gw + (gw - bw * series.length) / 2;
        g.values.forEach((v, si) => {
            if (v === undefined || !Number.isFinite(v)) return;
            s += `<rect x="${(x0 + si * bw).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(H - B - y(v)).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${g.label} ${series[si]}: ${fmt(v)}`)}</title></rect>`;
        });
        s += `<text x="${(L + gi * gw + gw / 2).toFixed(1)}" y="${H - B + 14}" font-size="11" text-anchor="middle">${esc(g.label)}</text>`;
    });
    if (o.refLine !== undefined) s += `<line x1="${L}" x2="${W - R}" y1="${y(o.refLine)}" y2="${y(o.refLine)}" stroke="currentColor" stroke-dasharray="4 3" opacity="0.6"/>`;
    s += legend(series, W - R + 10, T);
    return s + "</svg>";
}

export interface Point { x: number; y: number; label: string; series: string }

/** Scatter plot; `diagonal` draws y = x (e.g. simulated against live, achieved against bound). */
export function scatter(title: string, points: Point[], o: {xLabel: string; yLabel: string; diagonal?: boolean; logX?: boolean}): string {
    const W = 560, H = 340, L = 55, B = 45, T = 30, R = 150;
    const pts = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.logX || p.x > 0));
    const tx = (v: number) => o.logX ? Math.log10(v) : v;
    const xs = pts.map((p) => tx(p.x)), ys = pts.map((p) => p.y);
    let x0 = Math.min(...xs, o.diagonal ? Math.min(...ys) : Infinity), x1 = Math.max(...xs, o.diagonal ? Math.max(...ys) : -Infinity);
    let y0 = Math.min(0, ...ys), y1 = Math.max(...ys, o.diagonal ? x1 : -Infinity) * 1.05;
    if (!pts.length) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
    if (x1 === x0) { x0 -= 0.5; x1 += 0.5; }
    if (y1 === y0) y1 = y0 + 1;
    const X = (v: number) => L + (W - L - R) * (tx(v) - x0) / (x1 - x0);
    const Y = (v: number) => T + (H - T - B) * (1 - (v - y0) / (y1 - y0));
    const series = [...new Set(pts.map((p) => p.series))];
    let s = svgOpen(W, H, title);
    s += `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="currentColor" opacity="0.3"/>`;
    for (let i = 0; i <= 4; i++) {
        const yv = y0 + (y1 - y0) * i / 4, xv = x0 + (x1 - x0) * i / 4;
        s += `<text x="${L - 4}" y="${Y(yv) + 4}" font-size="10" text-anchor="end">${fmt(yv)}</text>`;
        s += `<text x="${L + (W - L - R) * i / 4}" y="${H - B + 14}" font-size="10" text-anchor="middle">${fmt(o.logX ? 10 ** xv : xv)}</text>`;
    }
    if (o.diagonal) {
        const a = Math.max(x0, y0), b = Math.min(x1, y1);
        s += `<line x1="${L + (W - L - R) * (a - x0) / (x1 - x0)}" y1="${Y(a)}" x2="${L + (W - L - R) * (b - x0) / (x1 - x0)}" y2="${Y(b)}" stroke="currentColor" stroke-dasharray="4 3" opacity="0.6"/>`;
    }
    for (const p of pts) s += `<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="4" fill="${PALETTE[series.indexOf(p.series) % PALETTE.length]}" opacity="0.85"><title>${esc(`${p.label}: (${fmt(p.x)}, ${fmt(p.y)})`)}</title></circle>`;
    s += `<text x="${(L + W - R) / 2}" y="${H - 8}" font-size="11" text-anchor="middle">${esc(o.xLabel)}</text>`;
    s += `<text x="14" y="${(T + H - B) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(o.yLabel)}</text>`;
    s += legend(series, W - R + 10, T);
    return s + "</svg>";
}

function svgOpen(w: number, h: number, title: string): string {
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-family="sans-serif" style="color:#444;background:#fff">` +
        `<title>${esc(title)}</title><text x="10" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`;
}

function axis(l: number, t: number, r: number, b: number, max: number, y: (v: number) => number, label?: string): string {
    let s = `<line x1="${l}" y1="${b}" x2="${r}" y2="${b}" stroke="currentColor" opacity="0.5"/>`;
    for (let i = 0; i <= 4; i++) {
        const v = max * i / 4;
        s += `<text x="${l - 4}" y="${y(v) + 4}" font-size="10" text-anchor="end">${fmt(v)}</text><line x1="${l}" x2="${r}" y1="${y(v)}" y2="${y(v)}" stroke="currentColor" opacity="0.1"/>`;
    }
    if (label) s += `<text x="12" y="${(t + b) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(t + b) / 2})">${esc(label)}</text>`;
    return s;
}

function legend(series: string[], x: number, y: number): string {
    return series.map((name, i) => `<rect x="${x}" y="${y + i * 16}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 14}" y="${y + i * 16 + 9}" font-size="11">${esc(name)}</text>`).join("");
}
