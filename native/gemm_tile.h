// The GEMM drivers' shared pieces (gemm.cc, gemm_packed.cc): one micro-tile of C through the active
// micro-kernel, partial tiles through a scratch tile, and the epilogue applied to finished tiles.
#pragma once
#include <cstring>

#include "common.h"

namespace dt {
namespace {

inline idx min_(idx a, idx b) { return a < b ? a : b; }

inline void fill_zero(idx M, idx N, float* C, idx ldc) {
  for (idx i = 0; i < M; i++) std::memset(C + i * ldc, 0, sizeof(float) * N);
}

// The epilogue on rows x cols of C at c (columns from col0).
inline void epilogue(const Epilogue& ep, float* c, idx ldc, idx rows, idx cols, idx col0) {
  for (idx i = 0; i < rows; i++) {
    float* r = c + i * ldc;
    if (ep.bias)
      for (idx j = 0; j < cols; j++) r[j] += ep.bias[col0 + j];
    if (ep.act == 1)
      for (idx j = 0; j < cols; j++) r[j] = r[j] > 0.0f ? r[j] : (r[j] != r[j] ? r[j] : 0.0f);
    else if (ep.act == 2)
      for (idx j = 0; j < cols; j++) r[j] = r[j] > 0.0f ? (r[j] < 6.0f ? r[j] : 6.0f) : (r[j] != r[j] ? r[j] : 0.0f);
  }
}

// One micro-tile of C: rows x cols (at most mr x nr) at c; partial tiles go through `tile` (mr * nr floats).
// ep (the last k-block only): applied to the finished tile, columns from col0.
inline void micro_tile(const UKernel& uk, idx kc, const float* ap, const float* bp, float* c, idx ldc, idx rows, idx cols,
                       int acc, float* tile, const Epilogue* ep = nullptr, idx col0 = 0) {
  if (rows == uk.mr && cols == uk.nr) {
    uk.fn(kc, ap, bp, c, ldc, acc);
  } else {
    uk.fn(kc, ap, bp, tile, uk.nr, 0);
    for (idx i = 0; i < rows; i++)
      for (idx j = 0; j < cols; j++) c[i * ldc + j] = (acc ? c[i * ldc + j] : 0.0f) + tile[i * uk.nr + j];
  }
  if (ep) epilogue(*ep, c, ldc, rows, cols, col0);
}

}  // namespace
}  // namespace dt
