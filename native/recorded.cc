// Recorded kernel sequences. An inference plan run on inputs of one shape calls the same kernels, with the
// same arguments, on the same storage every time, once its storage is fixed. Recorded once, the sequence
// is replayed in one native call: no JavaScript between the kernels (1.3-1.5 ms of a 9-10 ms MobileNetV2
// predict at batch 1 went there, mostly the plan's objects coming back into cache after each kernel), and
// the thread pool held for the whole sequence. JS (src/models/plan-recording.ts) decides when a plan is
// recorded and checks a recording against a normal run before using it.
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "addon_common.h"

namespace dt {

namespace {

struct Recorded {
  std::vector<std::function<void()>> calls;
  // Every argument of every recorded call (typed arrays, packed filters, other recordings): their storage
  // must outlive the recording.
  std::vector<napi_ref> kept;
  // Where the recorded calls read the inputs and left the outputs.
  std::vector<std::pair<float*, idx>> inputs, outputs;
  bool spoiled = false;

  void release(napi_env env) {
    for (napi_ref r : kept) napi_delete_reference(env, r);
    kept.clear();
    calls.clear();
  }

  void replay() const {
    for (const auto& f : calls) f();
  }
};

thread_local Recorded* active = nullptr;
// Replays in progress (a nested model's recording inside another's): only the outermost holds the pool.
thread_local int replaying = 0;

// Reads an array of Float32Arrays into (data, length) pairs; false after throwing.
bool read_arrays(Args& args, size_t i, std::vector<std::pair<float*, idx>>* out) {
  bool is = false;
  if (i >= args.argc || napi_is_array(args.env, args.argv[i], &is) != napi_ok || !is) {
    args.fail("an array of Float32Arrays", i);
    return false;
  }
  uint32_t n = 0;
  napi_get_array_length(args.env, args.argv[i], &n);
  for (uint32_t k = 0; k < n; k++) {
    napi_value v;
    napi_get_element(args.env, args.argv[i], k, &v);
    bool ta = false;
    napi_typedarray_type t;
    size_t len = 0;
    void* data = nullptr;
    if (napi_is_typedarray(args.env, v, &ta) != napi_ok || !ta ||
        napi_get_typedarray_info(args.env, v, &t, &len, &data, nullptr, nullptr) != napi_ok || t != napi_float32_array) {
      args.fail("an array of Float32Arrays", i);
      return false;
    }
    out->emplace_back(static_cast<float*>(data), static_cast<idx>(len));
  }
  return true;
}

// recordStart() -> whether recording started (false while another recording is on: a nested model's
// plan inside a plan being recorded is recorded as part of it).
napi_value RecordStart(napi_env env, napi_callback_info info) {
  Args args(env, info, "recordStart");
  args.no_kernel();
  if (active) return make_bool(env, false);
  active = new Recorded();
  return make_bool(env, true);
}

void finalize(napi_env env, void* data, void*) {
  auto* rec = static_cast<Recorded*>(data);
  rec->release(env);
  delete rec;
}

// recordFinish(inputs, outputs) -> the recording, or null when an entry point spoiled it (or nothing was
// recorded). inputs: the arrays the recorded calls read the plan's inputs from; outputs: where they left
// its outputs.
napi_value RecordFinish(napi_env env, napi_callback_info info) {
  Args args(env, info, "recordFinish");
  args.no_kernel();
  std::unique_ptr<Recorded> rec(active);
  active = nullptr;
  if (!rec) return args.range_error("no recording is on");
  if (!read_arrays(args, 0, &rec->inputs) || !read_arrays(args, 1, &rec->outputs)) {
    rec->release(env);
    return nullptr;
  }
  // The two arrays themselves were kept by Args (recording was still on when it read them).
  if (rec->spoiled || rec->calls.empty()) {
    rec->release(env);
    return make_null(env);
  }
  napi_value result;
  if (napi_create_external(env, rec.get(), finalize, nullptr, &result) != napi_ok) {
    rec->release(env);
    return args.range_error("could not create the recording");
  }
  rec.release();
  return result;
}

// recordAbort(): drops the recording in progress (its run threw).
napi_value RecordAbort(napi_env env, napi_callback_info info) {
  Args args(env, info, "recordAbort");
  args.no_kernel();
  if (active) {
    active->release(env);
    delete active;
    active = nullptr;
  }
  return args.undefined();
}

Recorded* recorded_at(Args& args, size_t i) {
  void* p = nullptr;
  napi_valuetype t;
  if (i >= args.argc || napi_typeof(args.env, args.argv[i], &t) != napi_ok || t != napi_external ||
      napi_get_value_external(args.env, args.argv[i], &p) != napi_ok || !p) {
    args.fail("a recording from recordFinish", i);
    return nullptr;
  }
  return static_cast<Recorded*>(p);
}

// replayRecorded(recording, inputs, outputs): copies the inputs where the recorded calls read them, runs the
// calls, copies the outputs out. Lengths must match the recorded ones.
napi_value ReplayRecorded(napi_env env, napi_callback_info info) {
  Args args(env, info, "replayRecorded");
  Recorded* rec = recorded_at(args, 0);
  std::vector<std::pair<float*, idx>> in, out;
  if (!rec || !read_arrays(args, 1, &in) || !read_arrays(args, 2, &out)) return nullptr;
  if (in.size() != rec->inputs.size() || out.size() != rec->outputs.size())
    return args.range_error("the numbers of inputs and outputs differ from the recording's");
  for (size_t k = 0; k < in.size(); k++)
    if (in[k].second != rec->inputs[k].second) return args.range_error("an input's size differs from the recording's");
  for (size_t k = 0; k < out.size(); k++)
    if (out[k].second != rec->outputs[k].second) return args.range_error("an output's size differs from the recording's");
  // As a call inside a recording (a nested model's plan), this replay is itself one recorded call.
  args.run([rec, in, out] {
    // Held first: helpers asleep after an idle pause wake while the inputs are copied, not at the first kernel.
    if (replaying++ == 0) pool_hold(true);
    for (size_t k = 0; k < in.size(); k++)
      if (in[k].first != rec->inputs[k].first)
        std::memcpy(rec->inputs[k].first, in[k].first, static_cast<size_t>(in[k].second) * sizeof(float));
    rec->replay();
    if (--replaying == 0) pool_hold(false);
    for (size_t k = 0; k < out.size(); k++)
      if (out[k].first != rec->outputs[k].first)
        std::memcpy(out[k].first, rec->outputs[k].first, static_cast<size_t>(out[k].second) * sizeof(float));
  });
  return args.undefined();
}

}  // namespace

bool recording() { return active != nullptr; }

void record_call(std::function<void()> fn) {
  if (active) active->calls.push_back(std::move(fn));
}

void record_keep(napi_env env, napi_value v) {
  if (!active) return;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || (t != napi_object && t != napi_external)) return;
  napi_ref r;
  if (napi_create_reference(env, v, 1, &r) == napi_ok) active->kept.push_back(r);
}

void record_spoil() {
  if (active) active->spoiled = true;
}

void register_recorded(napi_env env, napi_value exports) {
  export_functions(env, exports, {
      {"recordStart", RecordStart},
      {"recordFinish", RecordFinish},
      {"recordAbort", RecordAbort},
      {"replayRecorded", ReplayRecorded},
  });
}

}  // namespace dt
