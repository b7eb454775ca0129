// A persistent thread pool sized to the cores (DEEPTS_NUM_THREADS overrides). Workers spin briefly
// after each job (kernels tend to come in bursts) and then sleep on a condition variable.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>
#include <sched.h>

#include "common.h"

namespace dt {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

int hardware_threads() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

class Pool {
 public:
  explicit Pool(int n) : wanted_(n) {}

  int threads() const { return wanted_; }
  void set_threads(int n) { wanted_ = n < 1 ? 1 : n; }

  void run(int nt, void (*fn)(void*, int, int), void* ctx) {
    if (nt > wanted_) nt = wanted_;
    // One job at a time; a nested or concurrent call (another worker_thread) runs inline.
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (nt <= 1 || !busy.owns_lock() || in_job_) {
      fn(ctx, 0, 1);
      return;
    }
    grow(nt - 1);
    in_job_ = true;
    fn_ = fn;
    ctx_ = ctx;
    nt_ = nt;
    // Every worker acknowledges every job, so none can read the parameters of the next one early.
    pending_.store(static_cast<int>(workers_.load()), std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lk(m_);
      gen_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    fn(ctx, 0, nt);
    // Wait for the helpers: spin (they are usually about to finish), then sleep.
    auto t0 = std::chrono::steady_clock::now();
    for (unsigned i = 0; pending_.load(std::memory_order_acquire) != 0; i++) {
      cpu_relax();
      if ((i & 255) == 255 && std::chrono::steady_clock::now() - t0 > std::chrono::microseconds(200)) {
        std::unique_lock<std::mutex> lk(m_);
        done_cv_.wait(lk, [&] { return pending_.load(std::memory_order_acquire) == 0; });
        break;
      }
    }
    in_job_ = false;
  }

 private:
  void grow(int helpers) {
    while (static_cast<int>(workers_) < helpers) {
      int id = static_cast<int>(++workers_);
      // The worker starts from the current generation so it cannot miss the job about to be posted.
      std::uint64_t g0 = gen_.load(std::memory_order_acquire);
      // Detached and never joined: the pool lives until the process exits.
      std::thread([this, id, g0] { loop(id, g0); }).detach();
    }
  }

  void loop(int id, std::uint64_t seen) {
    for (;;) {
      std::uint64_t g;
      auto t0 = std::chrono::steady_clock::now();
      for (unsigned i = 0;; i++) {
        g = gen_.load(std::memory_order_acquire);
        if (g != seen) break;
        cpu_relax();
        if ((i & 255) == 255 && std::chrono::steady_clock::now() - t0 > std::chrono::microseconds(100)) {
          std::unique_lock<std::mutex> lk(m_);
          cv_.wait(lk, [&] { return gen_.load(std::memory_order_acquire) != seen; });
          g = gen_.load(std::memory_order_acquire);
          break;
        }
      }
      seen = g;
      if (id < nt_) fn_(ctx_, id, nt_);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lk(m_);
        done_cv_.notify_all();
      }
    }
  }

  std::atomic<int> wanted_;
  std::mutex run_mutex_;
  bool in_job_ = false;
  std::mutex m_;
  std::condition_variable cv_, done_cv_;
  std::atomic<std::uint64_t> gen_{0};
  std::atomic<int> pending_{0};
  std::atomic<unsigned> workers_{0};
  void (*fn_)(void*, int, int) = nullptr;
  void* ctx_ = nullptr;
  int nt_ = 1;
};

Pool& pool() {
  // Leaked on purpose: detached workers may still wait on its condition variable at exit.
  static Pool* p = [] {
    int n = hardware_threads();
    if (const char* s = std::getenv("DEEPTS_NUM_THREADS")) {
      int v = std::atoi(s);
      if (v > 0) n = v;
    }
    return new Pool(n);
  }();
  return *p;
}

thread_local bool t_in_parallel = false;

}  // namespace

int num_threads() { return pool().threads(); }
void set_num_threads(int n) { pool().set_threads(n); }

void parallel_raw(int nt, void (*fn)(void*, int, int), void* ctx) {
  if (t_in_parallel || nt <= 1) {
    fn(ctx, 0, 1);
    return;
  }
  struct Wrap {
    void (*fn)(void*, int, int);
    void* ctx;
  } w{fn, ctx};
  t_in_parallel = true;
  pool().run(
      nt,
      [](void* c, int tid, int n) {
        auto* w = static_cast<Wrap*>(c);
        bool prev = t_in_parallel;
        t_in_parallel = true;
        w->fn(w->ctx, tid, n);
        t_in_parallel = prev;
      },
      &w);
  t_in_parallel = false;
}

namespace {
struct Scratch {
  float* p[4] = {nullptr, nullptr, nullptr, nullptr};
  idx n[4] = {0, 0, 0, 0};
  ~Scratch() {
    for (float* q : p) std::free(q);
  }
};
thread_local Scratch t_scratch;
}  // namespace

float* scratch(int slot, idx floats) {
  Scratch& s = t_scratch;
  if (s.n[slot] < floats) {
    std::free(s.p[slot]);
    idx bytes = ((floats * 4 + 63) / 64) * 64;
    s.p[slot] = static_cast<float*>(std::aligned_alloc(64, static_cast<size_t>(bytes)));
    s.n[slot] = s.p[slot] ? floats : 0;
  }
  return s.p[slot];
}

}  // namespace dt
