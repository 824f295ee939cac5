#!/usr/bin/env bash
# Installs what aie-dsl needs to build on a fresh Debian 12 machine: LLVM/MLIR 22 from Debian's
# packages (melior and mlir-sys link MLIR; bindgen needs libclang; tblgen links Polly).
# .cargo/config.toml points the build at /usr/lib/llvm-22. xilinx-bootgen is Xilinx's bootgen,
# which the PDI tests run as a live reference when it is there. Safe to run again.
set -euo pipefail

packages=(llvm-22-dev libmlir-22-dev mlir-22-tools libclang-22-dev libpolly-22-dev
          libzstd-dev libz3-dev libxml2-dev zlib1g-dev xilinx-bootgen)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

test -f /usr/lib/llvm-22/lib/libMLIR.so || { echo "setup: MLIR 22 not found under /usr/lib/llvm-22" >&2; exit 1; }
echo "setup: LLVM/MLIR 22 ready under /usr/lib/llvm-22"
