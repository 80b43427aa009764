import fs from "node:fs";
import path from "node:path";

/**
 * The licence a Debian package declares for its files: the License of the "Files: *" stanza of its
 * machine-readable copyright file (DEP-5), else its first License field; the fallback for free-form files.
 */
export function debianLicence(root: string, pkg: string, fallback: string): string {
    const f = path.join(root, "usr/share/doc", pkg, "copyright");
    if (!fs.existsSync(f)) return fallback;
    const text = fs.readFileSync(f, "utf8");
    if (!/^Format:/.test(text)) return fallback;
    for (const stanza of text.split(/\n\s*\n/)) {
        if (/^Files:\s*\*\s*$/m.test(stanza)) {
            const l = /^License:[ \t]*(\S.*)$/m.exec(stanza)?.[1]?.trim();
            if (l) return l;
        }
    }
    return /^License:[ \t]*(\S.*)$/m.exec(text)?.[1]?.trim() ?? fallback;
}

export function copyrightMember(pkg: string): string {
    return `./usr/share/doc/${pkg}/copyright`;
}
