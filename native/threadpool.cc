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
#ifdef __linux__
#include <pthread.h>
#endif

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

// A job is split into nt slices, fn(ctx, slice, nt). Slices are claimed, not assigned: the caller posts
// the job, runs slices until none is left, then waits only for slices a helper already claimed. A helper
// that wakes late (a halted vCPU can take far longer to wake than a batch-1 kernel runs) finds nothing
// left and goes back to sleep, so a late helper never costs more than running the job on one thread.
class Pool {
 public:
  explicit Pool(int n) : wanted_(n) {}

  int threads() const { return wanted_; }
  void set_threads(int n) { wanted_ = n < 1 ? 1 : n; }
  std::uint64_t jobs() const { return jobs_.load(std::memory_order_relaxed); }
  std::uint64_t helped() const { return helped_.load(std::memory_order_relaxed); }

  void run(int nt, void (*fn)(void*, int, int), void* ctx) {
    if (nt > wanted_) nt = wanted_;
    if (nt > 0xffff) nt = 0xffff;
    // One job at a time; a nested or concurrent call (another worker_thread) runs inline.
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (nt <= 1 || !busy.owns_lock() || in_job_) {
      fn(ctx, 0, 1);
      return;
    }
    grow(nt - 1);
    keep_helpers_off_caller();
    in_job_ = true;
    fn_ = fn;
    ctx_ = ctx;
    remaining_.store(nt, std::memory_order_relaxed);
    std::uint64_t g = (gen_.load(std::memory_order_relaxed) + 1) & 0xffffffffu;
    // The claim word names the job (generation), its slice count and the next unclaimed slice, so a
    // helper holding a stale generation can never claim a slice of a later job.
    claim_.store(g << 32 | static_cast<std::uint64_t>(nt) << 16, std::memory_order_release);
    {
      std::lock_guard<std::mutex> lk(m_);
      gen_.store(g, std::memory_order_release);
    }
    cv_.notify_all();
    jobs_.fetch_add(1, std::memory_order_relaxed);
    if (held_.load(std::memory_order_relaxed)) extend_spin();
    run_slices(g, false);
    // Wait for the slices helpers claimed: spin (they are usually about to finish), then sleep. While held,
    // spin as long as helpers do between jobs: a caller that sleeps here is woken by an interrupt to its
    // halted vCPU, which on a virtual machine can take 2 ms (measured here: kernels of 0.1-0.3 ms taking
    // 2.0-2.1 ms in one predict out of five after an idle pause).
    const auto patience = held_.load(std::memory_order_relaxed) ? std::chrono::microseconds(kHoldSpin) : std::chrono::microseconds(200);
    auto t0 = std::chrono::steady_clock::now();
    for (unsigned i = 0; remaining_.load(std::memory_order_acquire) != 0; i++) {
      cpu_relax();
      if ((i & 255) == 255 && std::chrono::steady_clock::now() - t0 > patience) {
        std::unique_lock<std::mutex> lk(m_);
        done_cv_.wait(lk, [&] { return remaining_.load(std::memory_order_acquire) == 0; });
        break;
      }
    }
    in_job_ = false;
  }

 private:
  void grow(int helpers) {
    while (static_cast<int>(workers_) < helpers) {
      ++workers_;
      // The helper starts from the current generation so it does not rerun a finished job.
      std::uint64_t g0 = gen_.load(std::memory_order_acquire);
      // Detached and never joined: the pool lives until the process exits (so its handle stays valid).
      std::thread t([this, g0] { loop(g0); });
#ifdef __linux__
      {
        handles_.push_back(t.native_handle());
        avoided_cpu_ = -1;  // the new helper is not pinned yet
      }
#endif
      t.detach();
    }
  }

  // Claims and runs slices of job g until none is left or another job has started.
  void run_slices(std::uint64_t g, bool helper) {
    std::uint64_t c = claim_.load(std::memory_order_acquire);
    for (;;) {
      if ((c >> 32) != g) return;
      int nt = static_cast<int>((c >> 16) & 0xffff);
      int s = static_cast<int>(c & 0xffff);
      if (s >= nt) return;
      if (!claim_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
      // A claimed slice keeps the job (and fn_, ctx_) alive until it is counted done.
      fn_(ctx_, s, nt);
      if (helper) helped_.fetch_add(1, std::memory_order_relaxed);
      if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1 && helper) {
        std::lock_guard<std::mutex> lk(m_);
        done_cv_.notify_all();
      }
      c = claim_.load(std::memory_order_acquire);
    }
  }

  void loop(std::uint64_t seen) {
    for (;;) {
      std::uint64_t g;
      auto t0 = std::chrono::steady_clock::now();
      for (unsigned i = 0;; i++) {
        g = gen_.load(std::memory_order_acquire);
        if (g != seen) break;
        cpu_relax();
        if ((i & 255) != 255) continue;
        const auto now = std::chrono::steady_clock::now();
        if (now - t0 <= std::chrono::microseconds(100) || now.time_since_epoch().count() < spin_until_.load(std::memory_order_relaxed)) continue;
        std::unique_lock<std::mutex> lk(m_);
        // Woken by a job, or by hold() asking helpers to spin through the gaps of a burst of jobs.
        cv_.wait(lk, [&] {
          return gen_.load(std::memory_order_acquire) != seen ||
                 std::chrono::steady_clock::now().time_since_epoch().count() < spin_until_.load(std::memory_order_relaxed);
        });
        g = gen_.load(std::memory_order_acquire);
        if (g != seen) break;
        t0 = std::chrono::steady_clock::now();
      }
      seen = g;
      run_slices(g, true);
    }
  }

 public:
  // While held, helpers spin through gaps of up to kHoldSpin between jobs instead of 100 us (a batch-1
  // predict: a sleeping helper on a halted vCPU can take longer to wake than a small kernel runs).
  // Every job posted while held extends the window, so a hold that is never released ends by itself.
  void hold(bool on) {
    held_.store(on, std::memory_order_relaxed);
    if (!on) {
      spin_until_.store(0, std::memory_order_relaxed);
      return;
    }
    extend_spin();
    std::lock_guard<std::mutex> lk(m_);
    cv_.notify_all();
  }

 private:
  // Helpers may not run on the CPU the caller posts a job from. Woken after an idle pause, a helper was put
  // on the waker's CPU by the scheduler (wake-affine: every time in 15 of 15 wakes after a 300 ms pause on
  // this 2-vCPU machine, the helper starting 20 us later on the same CPU), where the two shared one core
  // until the load balancer moved one, milliseconds later: a depthwise layer's forward that takes 6.0 ms back
  // to back on 2 threads (12.2 on one) took 11-12 ms after a pause, as if on one thread. Kept off, the helper
  // wakes on another CPU 55-130 us after the post. This runs at every post but costs a syscall only when the
  // caller has moved since the helpers were last pinned. DEEPTS_PIN=0 leaves the scheduler alone; nothing is
  // pinned when it would leave helpers no CPU (a caller allowed a single CPU).
  void keep_helpers_off_caller() {
#ifdef __linux__
    static const bool enabled = [] {
      const char* s = std::getenv("DEEPTS_PIN");
      return !(s && s[0] == '0');
    }();
    if (!enabled) return;
    const int cpu = sched_getcpu();
    if (cpu < 0 || cpu == avoided_cpu_) return;
    // The caller's CPUs now (its affinity may have changed since the pool started), less the one it runs on.
    cpu_set_t others;
    if (sched_getaffinity(0, sizeof(others), &others) != 0 || !CPU_ISSET(cpu, &others)) return;
    CPU_CLR(cpu, &others);
    if (CPU_COUNT(&others) == 0) return;
    for (pthread_t h : handles_) pthread_setaffinity_np(h, sizeof(others), &others);
    avoided_cpu_ = cpu;
#endif
  }

 private:
  static constexpr std::chrono::microseconds kHoldSpin{2000};
  void extend_spin() {
    spin_until_.store((std::chrono::steady_clock::now() + kHoldSpin).time_since_epoch().count(), std::memory_order_relaxed);
  }
  std::atomic<bool> held_{false};
#ifdef __linux__
  // Both only touched by run() under run_mutex_ (grow and keep_helpers_off_caller).
  std::vector<pthread_t> handles_;
  int avoided_cpu_ = -1;  // the caller's CPU when the helpers were last pinned (-1: not pinned)
#endif
  std::atomic<std::int64_t> spin_until_{0};

  std::atomic<int> wanted_;
  std::mutex run_mutex_;
  bool in_job_ = false;
  std::mutex m_;
  std::condition_variable cv_, done_cv_;
  std::atomic<std::uint64_t> gen_{0};
  std::atomic<std::uint64_t> claim_{0};
  std::atomic<int> remaining_{0};
  std::atomic<unsigned> workers_{0};
  std::atomic<std::uint64_t> jobs_{0}, helped_{0};
  void (*fn_)(void*, int, int) = nullptr;
  void* ctx_ = nullptr;
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
std::uint64_t pool_jobs() { return pool().jobs(); }
void pool_hold(bool on) { pool().hold(on); }
std::uint64_t pool_helped() { return pool().helped(); }
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
