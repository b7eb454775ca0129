// Small helpers over the N-API C interface: argument reading with type checks that throw a JS
// TypeError (no C++ exceptions: node-gyp builds with -fno-exceptions).
#pragma once
#define NAPI_VERSION 8
#include <node_api.h>

#include <cstdint>
#include <cstdio>
#include <functional>

namespace dt {

// Recording of kernel calls (recorded.cc): while on, every entry point's arguments are kept alive and its
// kernel call is kept, to replay in one native call. An entry point that ran no kernel and did not say it
// needs none (Args::no_kernel) spoils the recording: what it computed could not be replayed.
bool recording();
void record_call(std::function<void()> fn);
void record_keep(napi_env env, napi_value v);
void record_spoil();

// JS values for results.
inline napi_value make_string(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

inline napi_value make_number(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

inline napi_value make_bool(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

inline napi_value make_null(napi_env env) {
  napi_value v;
  napi_get_null(env, &v);
  return v;
}

struct Args {
  napi_env env;
  napi_value argv[16];
  size_t argc = 16;
  const char* fname;
  bool failed = false;
  bool ran_ = false;        // run() was called
  bool no_kernel_ = false;  // no_kernel() was called

  Args(napi_env e, napi_callback_info info, const char* name) : env(e), fname(name) {
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    if (recording())
      for (size_t i = 0; i < argc && i < 16; i++) record_keep(env, argv[i]);
  }

  ~Args() {
    if (recording() && !failed && !ran_ && !no_kernel_) record_spoil();
  }

  // Runs the entry point's kernel: f captures everything it reads by value (pointers into the arguments'
  // storage, which a recording keeps alive; no pointer into the caller's stack or into an argument that JS
  // may refill), so a recording can call it again.
  template <class F>
  void run(F f) {
    ran_ = true;
    if (recording()) record_call(std::function<void()>(f));
    f();
  }

  // This entry point computes nothing a recording would have to repeat (settings, packing a filter).
  void no_kernel() { no_kernel_ = true; }

  void fail(const char* what, size_t i) {
    if (failed) return;
    failed = true;
    char msg[200];
    snprintf(msg, sizeof msg, "deepts native %s: argument %zu must be %s", fname, i, what);
    napi_throw_type_error(env, nullptr, msg);
  }

  template <class T>
  T* array(size_t i, napi_typedarray_type want, const char* what, std::int64_t* len = nullptr) {
    if (i >= argc) {
      fail(what, i);
      return nullptr;
    }
    bool is = false;
    napi_is_typedarray(env, argv[i], &is);
    if (!is) {
      fail(what, i);
      return nullptr;
    }
    napi_typedarray_type t;
    size_t n;
    void* data;
    napi_value ab;
    size_t off;
    napi_get_typedarray_info(env, argv[i], &t, &n, &data, &ab, &off);
    if (t != want) {
      fail(what, i);
      return nullptr;
    }
    if (len) *len = static_cast<std::int64_t>(n);
    return static_cast<T*>(data);
  }

  float* f32(size_t i, std::int64_t* len = nullptr) { return array<float>(i, napi_float32_array, "a Float32Array", len); }
  std::int32_t* i32(size_t i, std::int64_t* len = nullptr) {
    return array<std::int32_t>(i, napi_int32_array, "an Int32Array", len);
  }
  std::uint8_t* u8(size_t i, std::int64_t* len = nullptr) { return array<std::uint8_t>(i, napi_uint8_array, "a Uint8Array", len); }

  bool is_null(size_t i) {
    if (i >= argc) return true;
    napi_valuetype t;
    napi_typeof(env, argv[i], &t);
    return t == napi_null || t == napi_undefined;
  }

  std::int64_t integer(size_t i) {
    double d = number(i);
    return static_cast<std::int64_t>(d);
  }

  double number(size_t i) {
    double d = 0;
    if (i >= argc || napi_get_value_double(env, argv[i], &d) != napi_ok) fail("a number", i);
    return d;
  }

  bool boolean(size_t i) {
    bool b = false;
    if (i >= argc || napi_get_value_bool(env, argv[i], &b) != napi_ok) fail("a boolean", i);
    return b;
  }

  void string(size_t i, char* buf, size_t cap) {
    size_t n = 0;
    buf[0] = 0;
    if (i >= argc || napi_get_value_string_utf8(env, argv[i], buf, cap, &n) != napi_ok) fail("a string", i);
  }

  napi_value undefined() {
    napi_value u;
    napi_get_undefined(env, &u);
    return u;
  }

  // Throws a RangeError (e.g. an output buffer of the wrong size) and returns nullptr for the callback.
  napi_value range_error(const char* msg) {
    if (!failed) {
      failed = true;
      char full[256];
      snprintf(full, sizeof full, "deepts native %s: %s", fname, msg);
      napi_throw_range_error(env, nullptr, full);
    }
    return nullptr;
  }
};

}  // namespace dt
