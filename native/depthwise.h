// Depthwise convolution N-API entry points (addon_depthwise.cc); drivers in depthwise.cc, the
// per-instruction-set loops in simd_depthwise.inc.
#pragma once
#include <node_api.h>

namespace dt {

// Adds depthwiseConv2d and its two backprops to the addon's exports.
void register_depthwise_kernels(napi_env env, napi_value exports);

}  // namespace dt
