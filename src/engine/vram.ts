import type {VramInfo} from "../models/catalog";
import {getLlamaInstance, type GpuChoice} from "./llama";

/**
 * The GPU memory node-llama-cpp sees (getVramState), for choosing catalog models. No GPU backend, "cpu", or a GPU
 * backend without a device: gpu false and 0 bytes. A CPU-type Vulkan device (Mesa's llvmpipe, visible only with GGML_VK_VISIBLE_DEVICES)
 * reports system memory: its name says so.
 */
export async function detectVram(gpu?: GpuChoice): Promise<VramInfo> {
    const llama = await getLlamaInstance(gpu);
    if (!llama.gpu) return {gpu: false, totalBytes: 0, freeBytes: 0};
    const [state, names] = await Promise.all([llama.getVramState(), llama.getGpuDeviceNames().catch(() => [] as string[])]);
    // the Vulkan build loads when a Vulkan loader is installed even if it has no usable device: no GPU then
    if (state.total === 0 && names.length === 0) return {gpu: false, totalBytes: 0, freeBytes: 0};
    return {gpu: names.length ? `${llama.gpu}: ${names.join(", ")}` : llama.gpu, totalBytes: state.total, freeBytes: state.free};
}
