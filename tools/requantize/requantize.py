#!/usr/bin/env python3
"""Requantize a GGUF model to Q4_0, tensor by tensor, with gguf-py (no llama.cpp binary needed).

    requantize.py INPUT.gguf OUTPUT.gguf [--type q4_0] [--embd-type q8_0] [--output-type q4_0] [--progress text|json]

Why: llama.cpp's CPU backend repacks Q4_0 weights at load time into interleaved layouts (q4_0_8x8 on AVX2) whose
matrix kernels are markedly faster on x86 than the Q4_K/Q6_K ones of a Q4_K_M file; node-llama-cpp ships no
llama-quantize, so this tool does the conversion in numpy with gguf-py's reference quantizers (its Q4_0 and Q8_0
are the same arithmetic as ggml's quantize_row_q4_0_ref / q8_0_ref, i.e. what llama-quantize does without an
importance matrix).

What it writes:
  - every 2-D tensor whose name ends in "weight" and whose rows (ne0) are a multiple of 32 is dequantized to F32
    and quantized to Q4_0; a tensor already of the wanted type is copied byte for byte;
  - token_embd.weight becomes Q8_0 (--embd-type): it is only read by row lookups (get_rows), so its type costs no
    decode time, and in models with tied embeddings (Gemma, SmolLM2, small Qwens) it is also the output matrix,
    whose precision shows directly in the next-token distribution; Q8_0 keeps it close to the original;
  - output.weight (a separate output matrix) follows --output-type, default q4_0: it is the largest matrix of a
    small model and the one whose speed matters most (llama-quantize would keep Q6_K, which is not repacked);
  - 1-D tensors (norms, biases) are F32; anything else (3-D expert tensors, rows not a multiple of 32, router
    matrices ffn_gate_inp) is copied unchanged;
  - all metadata is copied byte for byte in the original order, except general.file_type, set to MOSTLY_Q4_0 (2);
  - tensor order and the data alignment are preserved.
Memory: tensors are processed in chunks of rows (--chunk-mib of F32 each), so a 1.5B model needs a few hundred MB.
The output is written to OUTPUT.partial and renamed to OUTPUT when complete; a failure or SIGTERM removes it.
Progress: one line per tensor on stderr (JSON lines with --progress json); a JSON summary on stdout at the end.
"""
from __future__ import annotations

import argparse
import json
import mmap
import os
import signal
import struct
import sys
import time

import numpy as np
from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType as T, GGUFValueType
from gguf.quants import dequantize, quantize

TOOL_VERSION = 1
MOSTLY_Q4_0 = 2
TYPES = {"q4_0": T.Q4_0, "q8_0": T.Q8_0, "f16": T.F16, "f32": T.F32}
# Matrices that llama-quantize also leaves alone: MoE routers (tiny, precision-sensitive).
KEEP_SUFFIXES = ("ffn_gate_inp.weight",)


# Sizes of the fixed-size GGUF value types (GGUFValueType: 0..12); 8 is a string, 9 an array.
_SCALAR = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_UNPACK = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


class Tensor:
    def __init__(self, name: str, shape: list[int], qtype: T, offset: int):
        self.name, self.shape, self.tensor_type, self.rel_offset = name, shape, qtype, offset
        self.n_elements = int(np.prod(shape, dtype=np.int64))
        self.n_bytes = nbytes(shape, qtype)
        self.data_offset = 0  # absolute, set once the data section's start is known


class Gguf:
    """A minimal GGUF (v2/v3, little-endian) header reader over a memory map: the raw bytes of each key/value
    (to copy them unchanged), the alignment and the tensor infos. (gguf.GGUFReader builds a numpy array per item
    of every array value and takes ~15 s on a 262k-token vocabulary; this walk takes well under a second.)"""

    def __init__(self, path: str):
        try:
            self._parse(path)
        except (struct.error, UnicodeDecodeError, ValueError, IndexError) as e:
            raise SystemExit(f"requantize: {path} is not a valid GGUF file ({e})") from e

    def _parse(self, path: str) -> None:
        self.file = open(path, "rb")
        self.mm = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ)
        mm = self.mm
        if mm[:4] != b"GGUF":
            raise SystemExit(f"requantize: {path} is not a GGUF file")
        version, n_tensors, n_kv = struct.unpack_from("<IQQ", mm, 4)
        if version not in (2, 3):
            raise SystemExit(f"requantize: {path}: GGUF version {version} is not supported (2 or 3; big-endian files are not)")
        pos = 24
        self.kvs: list[tuple[str, int, int, int]] = []  # key, value type, start of the record, start of the value
        self.alignment = 32
        for _ in range(n_kv):
            start = pos
            key, pos = self._string(pos)
            (vtype,) = struct.unpack_from("<I", mm, pos)
            pos += 4
            value_at = pos
            if key == "general.alignment" and vtype in _UNPACK:
                (self.alignment,) = struct.unpack_from(_UNPACK[vtype], mm, pos)
            pos = self._skip(vtype, pos)
            self.kvs.append((key, vtype, start, value_at))
        self.kv_end = pos
        self.tensors: list[Tensor] = []
        for _ in range(n_tensors):
            name, pos = self._string(pos)
            (n_dims,) = struct.unpack_from("<I", mm, pos)
            shape = list(struct.unpack_from(f"<{n_dims}Q", mm, pos + 4))
            qtype, offset = struct.unpack_from("<IQ", mm, pos + 4 + 8 * n_dims)
            pos += 4 + 8 * n_dims + 12
            self.tensors.append(Tensor(name, shape, T(qtype), offset))
        data_start = pos + (-pos) % self.alignment
        for t in self.tensors:
            t.data_offset = data_start + t.rel_offset
            if t.data_offset + t.n_bytes > len(mm):
                raise SystemExit(f"requantize: {path} is truncated (tensor {t.name} ends past the end of the file)")

    def _string(self, pos: int) -> tuple[str, int]:
        (n,) = struct.unpack_from("<Q", self.mm, pos)
        return self.mm[pos + 8:pos + 8 + n].decode("utf-8"), pos + 8 + n

    def _skip(self, vtype: int, pos: int) -> int:
        if vtype in _SCALAR:
            return pos + _SCALAR[vtype]
        if vtype == 8:
            return pos + 8 + struct.unpack_from("<Q", self.mm, pos)[0]
        if vtype == 9:
            sub, n = struct.unpack_from("<IQ", self.mm, pos)
            pos += 12
            if sub in _SCALAR:
                return pos + n * _SCALAR[sub]
            for _ in range(n):
                pos = self._skip(sub, pos)
            return pos
        raise SystemExit(f"requantize: unknown GGUF value type {vtype}")

    def kv_bytes(self, i: int) -> bytes:
        end = self.kvs[i + 1][2] if i + 1 < len(self.kvs) else self.kv_end
        return self.mm[self.kvs[i][2]:end]

    def array(self, t: Tensor, dtype, first_row: int = 0, n_rows: int | None = None) -> np.ndarray:
        """Rows [first_row, first_row + n_rows) of a tensor's data: uint8 for quantized types (one row of bytes per
        row), float16 or float32 for those."""
        row_bytes = t.n_bytes // max(1, t.n_elements // t.shape[0])
        total_rows = t.n_elements // t.shape[0]
        n_rows = total_rows - first_row if n_rows is None else min(n_rows, total_rows - first_row)
        raw = np.frombuffer(self.mm, dtype=np.uint8, count=n_rows * row_bytes, offset=t.data_offset + first_row * row_bytes)
        return raw.reshape(n_rows, row_bytes).view(dtype) if dtype != np.uint8 else raw.reshape(n_rows, row_bytes)


def np_dtype(qtype: T):
    return {T.F32: np.float32, T.F16: np.float16}.get(qtype, np.uint8)


def log(progress: str, **event) -> None:
    if progress == "json":
        sys.stderr.write(json.dumps(event) + "\n")
    elif event.get("event") == "tensor":
        shape = "x".join(str(d) for d in event["shape"])
        arrow = f"{event['from']} -> {event['to']}" if event["from"] != event["to"] else f"{event['to']} (copied)"
        sys.stderr.write(f"[{event['i']:>4}/{event['n']}] {event['name']:<40} {shape:<14} {arrow} {event['seconds']:.2f}s\n")
    elif event.get("event") == "start":
        sys.stderr.write(f"requantize: {event['input']} -> {event['output']}: {event['n']} tensors, {event['quantize']} to quantize\n")
    sys.stderr.flush()


def nbytes(shape: list[int], qtype: T) -> int:
    block, size = GGML_QUANT_SIZES[qtype]
    n = 1
    for d in shape:
        n *= d
    assert shape[0] % block == 0, (shape, qtype)
    return n // block * size


def plan_type(t, args) -> T:
    """The type a tensor gets in the output (its own type means: copied unchanged)."""
    shape = t.shape  # ggml order: shape[0] is the row length ne0
    if len(shape) == 1:
        return T.F32
    if len(shape) != 2 or not t.name.endswith("weight") or t.name.endswith(KEEP_SUFFIXES):
        return t.tensor_type
    if t.name == "token_embd.weight":
        want = args.embd_type
    elif t.name == "output.weight":
        want = args.output_type
    else:
        want = args.type
    if want == "keep":
        return t.tensor_type
    qtype = TYPES[want]
    return qtype if shape[0] % GGML_QUANT_SIZES[qtype][0] == 0 else t.tensor_type


def pad(fout, n: int, alignment: int) -> None:
    extra = (-n) % alignment
    if extra:
        fout.write(b"\0" * extra)


def main() -> int:
    ap = argparse.ArgumentParser(description="Requantize a GGUF model to Q4_0 (see the module docstring).")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--type", default="q4_0", choices=["q4_0", "q8_0"], help="type of the weight matrices")
    ap.add_argument("--embd-type", default="q8_0", choices=["q4_0", "q8_0", "f16", "keep"], help="type of token_embd.weight")
    ap.add_argument("--output-type", default="q4_0", choices=["q4_0", "q8_0", "f16", "keep"], help="type of output.weight (untied models)")
    ap.add_argument("--progress", default="text", choices=["text", "json"])
    ap.add_argument("--chunk-mib", type=int, default=64, help="F32 working set per chunk of rows")
    args = ap.parse_args()

    t0 = time.time()
    src = Gguf(args.input)

    # Metadata: copy each key/value's bytes as they are, except general.file_type.
    kv_chunks: list[bytes] = []
    have_ftype = False
    for i, (key, vtype, start, value_at) in enumerate(src.kvs):
        raw = src.kv_bytes(i)
        if key == "general.file_type" and vtype in _UNPACK:
            have_ftype = True
            raw = raw[:value_at - start] + struct.pack(_UNPACK[vtype], MOSTLY_Q4_0)
        kv_chunks.append(raw)
    if not have_ftype:
        key = b"general.file_type"
        kv_chunks.append(struct.pack("<Q", len(key)) + key + struct.pack("<II", GGUFValueType.UINT32, MOSTLY_Q4_0))

    alignment = src.alignment
    tensors = src.tensors
    plans = [plan_type(t, args) for t in tensors]
    out_sizes = [nbytes(t.shape, q) for t, q in zip(tensors, plans)]
    n_quantize = sum(1 for t, q in zip(tensors, plans) if q != t.tensor_type)
    total_elems = sum(t.n_elements for t in tensors)

    tmp = args.output + ".partial"

    def on_term(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_term)

    log(args.progress, event="start", input=args.input, output=args.output, n=len(tensors), quantize=n_quantize,
        elements=total_elems, version=TOOL_VERSION)
    done_elems = 0
    try:
        with open(tmp, "wb") as fout:
            fout.write(b"GGUF")
            fout.write(struct.pack("<IQQ", 3, len(tensors), len(kv_chunks)))
            for raw in kv_chunks:
                fout.write(raw)
            offset = 0
            for t, q, size in zip(tensors, plans, out_sizes):
                name = t.name.encode("utf-8")
                fout.write(struct.pack("<Q", len(name)) + name + struct.pack("<I", len(t.shape)))
                fout.write(struct.pack(f"<{len(t.shape)}Q", *t.shape))
                fout.write(struct.pack("<IQ", int(q), offset))
                offset += size + (-size) % alignment
            pad(fout, fout.tell(), alignment)
            data_start = fout.tell()

            chunk_elems = max(1, args.chunk_mib) * (1 << 18)  # F32 elements per chunk
            for i, (t, q, size) in enumerate(zip(tensors, plans, out_sizes), 1):
                t1 = time.time()
                start = fout.tell()
                if q == t.tensor_type:  # copy unchanged
                    for o in range(0, t.n_bytes, 64 << 20):
                        fout.write(src.mm[t.data_offset + o:t.data_offset + min(t.n_bytes, o + (64 << 20))])
                elif len(t.shape) == 1:  # norms, biases: F32
                    fout.write(dequantize(src.array(t, np_dtype(t.tensor_type)), t.tensor_type).astype(np.float32).reshape(-1).tobytes())
                else:  # a 2-D matrix: dequantize and quantize, a chunk of rows at a time
                    step = max(1, chunk_elems // t.shape[0])
                    for r in range(0, t.shape[1], step):
                        block = src.array(t, np_dtype(t.tensor_type), r, step)
                        f32 = dequantize(block, t.tensor_type).astype(np.float32, copy=False).reshape(block.shape[0], t.shape[0])
                        fout.write(np.ascontiguousarray(quantize(f32, q)).tobytes())
                written = fout.tell() - start
                if written != size:
                    raise RuntimeError(f"{t.name}: wrote {written} bytes, expected {size}")
                pad(fout, written, alignment)
                done_elems += t.n_elements
                log(args.progress, event="tensor", i=i, n=len(tensors), name=t.name, shape=t.shape,
                    **{"from": t.tensor_type.name, "to": q.name}, seconds=round(time.time() - t1, 3),
                    done=done_elems, total=total_elems)
            if fout.tell() != data_start + offset:
                raise RuntimeError(f"output size {fout.tell()} != expected {data_start + offset}")
            fout.flush()
            os.fsync(fout.fileno())
        os.replace(tmp, args.output)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    summary = {"output": args.output, "tensors": len(tensors), "requantized": n_quantize,
               "bytes": os.path.getsize(args.output), "seconds": round(time.time() - t0, 1), "version": TOOL_VERSION}
    log(args.progress, event="done", **summary)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.stderr.write("requantize: interrupted\n")
        sys.exit(130)
