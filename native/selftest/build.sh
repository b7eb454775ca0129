#!/bin/sh
# Builds build/selftest: the native kernels without Node (static, so it runs on any x86-64 Linux).
set -e
cd "$(dirname "$0")/../.."
mkdir -p build/selftest-obj
F="-O3 -std=gnu++17 -pthread -fno-math-errno -Inative"
for f in threadpool gemm ukernel_generic simd_generic matmul conv loops; do g++ $F -c native/$f.cc -o build/selftest-obj/$f.o & done
g++ $F -mavx2 -mfma -mf16c -c native/ukernel_avx2.cc -o build/selftest-obj/ukernel_avx2.o &
g++ $F -mavx2 -mfma -mf16c -c native/simd_avx2.cc -o build/selftest-obj/simd_avx2.o &
A512="-mavx512f -mavx512vl -mavx512dq -mavx512bw -mavx2 -mfma -mprefer-vector-width=512"
g++ $F $A512 -c native/ukernel_avx512.cc -o build/selftest-obj/ukernel_avx512.o &
g++ $F $A512 -c native/simd_avx512.cc -o build/selftest-obj/simd_avx512.o &
g++ $F -c native/selftest/selftest.cc -o build/selftest-obj/selftest.o &
wait
g++ -static -pthread build/selftest-obj/*.o -o build/selftest
echo "built build/selftest"
