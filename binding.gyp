{
  # The deepts native addon. The x86 micro-kernels live in static libraries built with their own -m
  # flags, so the addon itself targets the baseline ISA and still loads on CPUs without AVX2/AVX-512;
  # the code picks a kernel at run time (__builtin_cpu_supports).
  "target_defaults": {
    "cflags": ["-O3", "-fvisibility=hidden", "-fno-math-errno"],
    "cflags_cc": ["-std=gnu++17"],
    "include_dirs": ["native"],
  },
  "targets": [
    {
      "target_name": "deepts_avx2",
      "type": "static_library",
      "sources": ["native/ukernel_avx2.cc", "native/simd_avx2.cc"],
      "conditions": [["target_arch=='x64'", {"cflags": ["-mavx2", "-mfma", "-mf16c"]}]],
    },
    {
      "target_name": "deepts_avx512",
      "type": "static_library",
      "sources": ["native/ukernel_avx512.cc", "native/simd_avx512.cc"],
      "conditions": [["target_arch=='x64'", {"cflags": ["-mavx512f", "-mavx512vl", "-mavx512dq", "-mavx512bw", "-mavx2", "-mfma", "-mprefer-vector-width=512"]}]],
    },
    {
      # biasActivation must equal a mul, an add and the activation op bit for bit: no fused multiply-adds, which
      # the compiler otherwise forms wherever the baseline instruction set has them (aarch64).
      "target_name": "deepts_exact",
      "type": "static_library",
      "sources": ["native/bias_act.cc"],
      "cflags": ["-ffp-contract=off"],
    },
    {
      "target_name": "deepts",
      "dependencies": ["deepts_avx2", "deepts_avx512", "deepts_exact"],
      "sources": [
        "native/addon.cc",
        "native/recorded.cc",
        "native/copy_box.cc",
        "native/threadpool.cc",
        "native/buffer_pool.cc",
        "native/gemm.cc",
        "native/gemm_packed.cc",
        "native/pack.cc",
        "native/ukernel_generic.cc",
        "native/simd_generic.cc",
        "native/matmul.cc",
        "native/conv.cc",
        "native/winograd.cc",
        "native/depthwise.cc",
        "native/expand_depthwise.cc",
        "native/addon_conv.cc",
        "native/loops.cc",
        "native/addon_loops.cc",
        "native/select.cc",
        "native/memory.cc",
        "native/softmax.cc",
        "native/norm.cc",
        "native/optim.cc",
      ],
    },
  ],
}
