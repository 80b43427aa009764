import {createHash} from "node:crypto";
import * as fs from "node:fs";
import {CancelledError, type Cancel} from "../core/errors";

/** sha256 of a file, streamed in 1 MiB chunks, with progress (bytes hashed / size) and cancellation. */
export async function hashFile(file: string, o: {cancel?: Cancel; onProgress?: (done: number, total: number, stage: string) => void; stage?: string} = {}): Promise<string> {
    const hash = createHash("sha256");
    const total = (await fs.promises.stat(file)).size;
    let done = 0;
    for await (const chunk of fs.createReadStream(file, {highWaterMark: 1 << 20}) as AsyncIterable<Buffer>) {
        if (o.cancel?.cancelled) throw new CancelledError();
        hash.update(chunk);
        done += chunk.length;
        o.onProgress?.(done, total, o.stage ?? "sha256");
    }
    return hash.digest("hex");
}
