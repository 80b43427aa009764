#!/usr/bin/env bash
# Installs Mesa's software Vulkan driver (llvmpipe, package mesa-vulkan-drivers) and the Vulkan loader (libvulkan1),
# so that the engine tests can run node-llama-cpp's prebuilt Vulkan backend on a machine without a GPU
# (test/engine/vulkan.test.ts; llama.cpp sees the CPU-type device only with GGML_VK_VISIBLE_DEVICES=0).
# Like tools/e2e/setup.sh: apt-get, with sudo when not root; a second run does nothing.
# Prints one line starting with "vulkan setup:"; exits 0 when the driver is there afterwards, 3 when it cannot be
# installed here (no apt-get, no root and no passwordless sudo, or apt-get failed: the reason is printed).
set -uo pipefail
if [ "${1:-}" = "--check" ]; then
  # the loader's list read whole before it is searched: `ldconfig -p | grep -q` under pipefail failed now and then
  # (grep -q exits at the first match, ldconfig then dies of SIGPIPE and the pipeline reads as failed)
  libs=$(ldconfig -p 2>/dev/null)
  ls /usr/share/vulkan/icd.d/lvp_icd.*.json >/dev/null 2>&1 && grep -q 'libvulkan\.so\.1 ' <<<"$libs" && exit 0
  exit 1
fi
need=()
dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || need+=(mesa-vulkan-drivers)
dpkg -s libvulkan1 >/dev/null 2>&1 || need+=(libvulkan1)
if [ ${#need[@]} -eq 0 ]; then echo "vulkan setup: mesa-vulkan-drivers and libvulkan1 are installed"; exit 0; fi
if ! command -v apt-get >/dev/null; then echo "vulkan setup: cannot install ${need[*]}: no apt-get on this system (install Mesa's Vulkan driver, lavapipe/llvmpipe, by hand)"; exit 3; fi
SUDO=
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"
  else echo "vulkan setup: cannot install ${need[*]}: not root and no passwordless sudo (run: sudo apt-get install ${need[*]})"; exit 3; fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "vulkan setup: apt-get install ${need[*]}"
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
  echo "vulkan setup: cannot install ${need[*]}: apt-get failed (see above)"; exit 3
fi
echo "vulkan setup: installed ${need[*]}"
