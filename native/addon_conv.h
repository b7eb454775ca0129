// N-API entry points of the depthwise convolution and of the convolutions with a fused bias and
// activation (addon_conv.cc); drivers in depthwise.cc and conv.cc.
#pragma once
#include <node_api.h>

namespace dt {

// Adds depthwiseConv2d, its two backprops, conv2dBiasActivation and depthwiseConv2dBiasActivation to
// the addon's exports.
void register_conv_kernels(napi_env env, napi_value exports);

}  // namespace dt
