#!/bin/sh
# Builds build/selftest: the native kernels without Node (static, so it runs on any Linux of its architecture).
# CXX picks the compiler: a cross compiler builds for another architecture, e.g.
#   CXX=aarch64-linux-gnu-g++ sh native/selftest/build.sh && qemu-aarch64-static build/selftest
# (the portable kernels on aarch64; the AVX2/AVX-512 files then compile to nothing or to portable code).
set -e
cd "$(dirname "$0")/../.."
CXX=${CXX:-g++}
O=build/selftest-obj-$($CXX -dumpmachine)
mkdir -p $O
F="-O3 -std=gnu++17 -pthread -fno-math-errno -Inative"
case "$($CXX -dumpmachine)" in
  x86_64*)
    A2="-mavx2 -mfma -mf16c"
    A512="-mavx512f -mavx512vl -mavx512dq -mavx512bw -mavx2 -mfma -mprefer-vector-width=512" ;;
  *) A2=""; A512="" ;;
esac
pids=""
cc() { $CXX $F "$@" & pids="$pids $!"; }
for f in threadpool gemm gemm_packed pack ukernel_generic simd_generic matmul conv winograd loops depthwise expand_depthwise; do cc -c native/$f.cc -o $O/$f.o; done
cc $A2 -c native/ukernel_avx2.cc -o $O/ukernel_avx2.o
cc $A2 -c native/simd_avx2.cc -o $O/simd_avx2.o
cc $A512 -c native/ukernel_avx512.cc -o $O/ukernel_avx512.o
cc $A512 -c native/simd_avx512.cc -o $O/simd_avx512.o
cc -c native/selftest/selftest.cc -o $O/selftest.o
for p in $pids; do wait $p; done
$CXX -static -pthread $O/*.o -o build/selftest
echo "built build/selftest ($($CXX -dumpmachine))"
