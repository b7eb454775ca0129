#!/bin/sh
# Builds build/selftest: the native kernels without Node (static, so it runs on any x86-64 Linux).
set -e
cd "$(dirname "$0")/../.."
O=build/selftest-obj
mkdir -p $O
F="-O3 -std=gnu++17 -pthread -fno-math-errno -Inative"
A2="-mavx2 -mfma -mf16c"
A512="-mavx512f -mavx512vl -mavx512dq -mavx512bw -mavx2 -mfma -mprefer-vector-width=512"
pids=""
cc() { g++ $F "$@" & pids="$pids $!"; }
for f in threadpool gemm gemm_packed pack ukernel_generic simd_generic matmul conv winograd loops depthwise expand_depthwise; do cc -c native/$f.cc -o $O/$f.o; done
cc $A2 -c native/ukernel_avx2.cc -o $O/ukernel_avx2.o
cc $A2 -c native/simd_avx2.cc -o $O/simd_avx2.o
cc $A512 -c native/ukernel_avx512.cc -o $O/ukernel_avx512.o
cc $A512 -c native/simd_avx512.cc -o $O/simd_avx512.o
cc -c native/selftest/selftest.cc -o $O/selftest.o
for p in $pids; do wait $p; done
g++ -static -pthread $O/*.o -o build/selftest
echo "built build/selftest"
