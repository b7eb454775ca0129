// Fused batch normalization (norm.cc): float32 over x viewed as [outer, c, inner], the channel axis in
// the middle (inner = 1 when the channel is the last axis).
#pragma once
#include "napi_util.h"

namespace dt {

// Adds batchNormTrain, batchNormBackprop and batchNormInference to the exports.
void register_norm_kernels(napi_env env, napi_value exports);

}  // namespace dt
