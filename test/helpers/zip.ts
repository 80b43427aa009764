/** A tiny zip writer for fake wheels (stored or deflated members). */
import * as zlib from "node:zlib";


const CRC_TABLE = Array.from({length: 256}, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
});
function crc32(b: Buffer): number {
    let c = 0xffffffff;
    for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
}

export function makeZip(members: {name: string; data: Buffer; deflate?: boolean}[]): Buffer {
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (const m of members) {
        const name = Buffer.from(m.name, "utf8");
        const body = m.deflate ? zlib.deflateRawSync(m.data) : m.data;
        const crc = crc32(m.data);
        const loc = Buffer.alloc(30);
        loc.writeUInt32LE(0x04034b50, 0); loc.writeUInt16LE(20, 4); loc.writeUInt16LE(0x800, 6);
        loc.writeUInt16LE(m.deflate ? 8 : 0, 8); loc.writeUInt32LE(crc, 14);
        loc.writeUInt32LE(body.length, 18); loc.writeUInt32LE(m.data.length, 22); loc.writeUInt16LE(name.length, 26);
        const cen = Buffer.alloc(46);
        cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(0x800, 8);
        cen.writeUInt16LE(m.deflate ? 8 : 0, 10); cen.writeUInt32LE(crc, 16); cen.writeUInt32LE(body.length, 20);
        cen.writeUInt32LE(m.data.length, 24); cen.writeUInt16LE(name.length, 28); cen.writeUInt32LE(offset, 42);
        locals.push(loc, name, body);
        centrals.push(cen, name);
        offset += 30 + name.length + body.length;
    }
    const cd = Buffer.concat(centrals);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0); eocd.writeUInt16LE(members.length, 8); eocd.writeUInt16LE(members.length, 10);
    eocd.writeUInt32LE(cd.length, 12); eocd.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, cd, eocd]);
}

