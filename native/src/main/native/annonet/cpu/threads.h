// The CPU threads annonet's kernels and OpenBLAS share. OpenBLAS's own workers spin on a core for
// a while after each product (about 0.1 s); threads of ours beside them would be oversubscribed,
// and on a 2-core machine a product of ours then ran at half speed. So there is one pool, sized to
// the processors the JVM may use, and OpenBLAS hands its parallel work to it through its threads
// callback (OpenBLAS 0.3.27 and later).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <dlfcn.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace annonet {
namespace cpu {

// A pool of threads, the calling thread being participant 0. A job comes as chunks: either shared
// out (each participant takes the next chunk until none is left, so a thread slowed by a neighbour
// on its core does fewer instead of holding the others up; a worker that has not joined by the time
// the chunks are done sits the job out) or one each (chunk i on participant i,
// all at once, for jobs that wait on one another). One job at a time; a second caller waits. A
// worker spins for the next job for a while (SPIN), yielding now and then, before it sleeps.
class Workers {
public:
    explicit Workers(int threads) : participants_(threads < 1 ? 1 : threads) {
        for (int t = 1; t < participants_; t++) threads_.emplace_back([this, t] { work(t); });
    }

    ~Workers() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
            generation_.fetch_add(1);
        }
        wake_.notify_all();
        for (std::thread& t : threads_) t.join();
    }

    int participants() const { return participants_; }

    // job(chunk, participant) for every chunk in [0, chunks), shared out; returns when all are done.
    template <typename Job>
    void run(Job& job, int chunks) {
        start(job, chunks, false);
    }

    // job(i, i) on participant i for each i in [0, jobs), jobs <= participants(), all at once.
    template <typename Job>
    void run_one_each(Job& job, int jobs) {
        start(job, jobs, true);
    }

private:
    // How long an idle worker spins before it sleeps: waking a sleeping one costs tens of
    // microseconds, and an LSTM step does a product or two every millisecond or so, between its
    // gate arithmetic. (OpenBLAS's own workers spin about 0.1 s.)
    static constexpr std::chrono::milliseconds SPIN{20};

    template <typename Job>
    void start(Job& job, int chunks, bool one_each) {
        std::lock_guard<std::mutex> one_job(run_mutex_);
        job_ = &job;
        call_ = [](void* j, int chunk, int participant) { (*static_cast<Job*>(j))(chunk, participant); };
        chunks_ = chunks;
        one_each_ = one_each;
        next_chunk_.store(0);
        bool alone = participants_ == 1 || chunks <= 1;
        if (!alone) {
            if (one_each) {
                pending_.store(participants_ - 1);
            } else {
                joined_.store(OPEN);
            }
            {
                std::lock_guard<std::mutex> lock(mutex_);
                generation_.fetch_add(1);
            }
            wake_.notify_all();
        }
        take(0);
        if (alone) return;
        // Shared out, only the workers at work are waited for: waiting for every worker to have run
        // made each call on a loaded machine wait for the scheduler to run a descheduled one.
        if (!one_each) joined_.fetch_and(~OPEN);
        for (int spin = 0; one_each ? pending_.load() != 0 : joined_.load() != 0; spin++) {
            if (spin % 256 == 255) std::this_thread::yield();  // a late worker may be waiting for this core
            pause();
        }
    }

    // This participant's part of the current job.
    void take(int participant) {
        if (one_each_) {
            if (participant < chunks_) call_(job_, participant, participant);
            return;
        }
        for (int chunk = next_chunk_.fetch_add(1); chunk < chunks_; chunk = next_chunk_.fetch_add(1)) {
            call_(job_, chunk, participant);
        }
    }

    static void pause() {
#if defined(__x86_64__)
        _mm_pause();
#endif
    }

    void work(int participant) {
        uint64_t seen = 0;
        for (;;) {
            auto deadline = std::chrono::steady_clock::now() + SPIN;
            for (int spin = 1; generation_.load() == seen; spin++) {
                pause();
                if (spin % 256 == 0) {
                    std::this_thread::yield();
                    if (std::chrono::steady_clock::now() > deadline) break;
                }
            }
            if (generation_.load() == seen) {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_.load() != seen; });
            }
            seen = generation_.load();
            if (stopping_) return;
            if (one_each_) {
                take(participant);
                pending_.fetch_sub(1);
                continue;
            }
            for (int state = joined_.load(); state & OPEN;) {  // join the job while it is open
                if (joined_.compare_exchange_weak(state, state + 1)) {
                    take(participant);
                    joined_.fetch_sub(1);
                    break;
                }
            }
        }
    }

    const int participants_;
    std::vector<std::thread> threads_;
    std::mutex run_mutex_;  // one job at a time
    std::mutex mutex_;      // guards the sleep of idle workers
    std::condition_variable wake_;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> pending_{0};  // one each: the workers yet to finish
    // Shared out: OPEN while workers may join, plus the number at work.
    static constexpr int OPEN = 1 << 30;
    std::atomic<int> joined_{0};
    std::atomic<int> next_chunk_{0};
    int chunks_ = 0;
    std::atomic<bool> one_each_{false};
    bool stopping_ = false;
    void* job_ = nullptr;
    void (*call_)(void*, int, int) = nullptr;
};

// The pool, made by share_threads_with_openblas (one participant, the caller, until then). It lives
// as long as the process, as OpenBLAS's own threads do: OpenBLAS may call it until the very end.
inline Workers*& workers_instance() {
    static Workers* instance = nullptr;
    return instance;
}

inline Workers& pool() {
    static Workers alone(1);
    Workers* shared = workers_instance();
    return shared ? *shared : alone;
}

// Whether annonet's kernels called on this thread run on it alone instead of sharing their chunks
// out on the pool: a predictor's thread, when several serve at once. On the pool they would take
// turns (one job at a time), and a caller waiting for a worker that a neighbouring predictor keeps
// off its core spins meanwhile. OpenBLAS's jobs still go to the pool: a GEMM's jobs wait for one
// another and cannot run in turn on one thread.
inline bool& calling_thread_only() {
    static thread_local bool only = false;
    return only;
}

// Sets calling_thread_only for this thread; returns the setting it replaces.
inline bool run_on_calling_thread(bool only) {
    bool previous = calling_thread_only();
    calling_thread_only() = only;
    return previous;
}

// The workers of annonet's kernels on this thread: the pool, or the thread alone.
inline Workers& shared_workers() {
    if (calling_thread_only()) {
        static thread_local Workers alone(1);  // no threads of its own; its job lock is this thread's
        return alone;
    }
    return pool();
}

// Values per chunk handed to a thread by the element-wise kernels (activations, dropout), so that
// smaller layers stay on the calling thread (in_row_chunks).
constexpr long long ELEMENT_CHUNK = 32768;

// rows_job(r0, r1) over [0, rows) in chunks of about values_per_chunk values (row_width a row), shared
// out on the pool; on the calling thread alone when it is all one chunk, where a hand-over would
// cost about as much as it saves.
template <typename RowsJob>
inline void in_row_chunks(int rows, long long row_width, long long values_per_chunk, RowsJob rows_job) {
    int rows_per_chunk = row_width >= values_per_chunk ? 1 : (int)(values_per_chunk / (row_width > 0 ? row_width : 1));
    int chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
    auto job = [&](int chunk, int) {
        int r0 = chunk * rows_per_chunk;
        rows_job(r0, r0 + rows_per_chunk < rows ? r0 + rows_per_chunk : rows);
    };
    if (chunks <= 1) {
        if (chunks == 1) job(0, 0);
    } else {
        shared_workers().run(job, chunks);
    }
}

// OpenBLAS's callback: its jobs wait for one another while they run (a GEMM's threads exchange
// packed panels), so each must have a thread of its own at once: job i runs on participant i, never
// two jobs in turn on one thread. More jobs than participants (OpenBLAS's thread count raised past
// the pool's) get a thread each for the rest.
typedef void (*openblas_job)(int thread, void* job_data, int job_argument);

inline void openblas_threads(int sync, openblas_job run_job, int jobs, size_t job_size, void* job_data, int job_argument) {
    (void)sync;  // always run to completion: OpenBLAS passes 1
    Workers& workers = pool();
    int pooled = jobs < workers.participants() ? jobs : workers.participants();
    std::vector<std::thread> extra;
    for (int i = pooled; i < jobs; i++) {
        extra.emplace_back([=] { run_job(i, (char*)job_data + (size_t)i * job_size, job_argument); });
    }
    auto one_each = [&](int chunk, int) { run_job(chunk, (char*)job_data + (size_t)chunk * job_size, job_argument); };
    workers.run_one_each(one_each, pooled);
    for (std::thread& t : extra) t.join();
}

// Starts the pool of `threads` (the caller included) and gives it to the OpenBLAS already loaded
// into this process; false, and nothing changed, when that OpenBLAS has no threads callback.
inline bool share_threads_with_openblas(int threads) {
    void* library = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
    if (!library) return false;
    typedef void (*set_callback)(void (*)(int, openblas_job, int, size_t, void*, int));
    set_callback set = (set_callback)dlsym(library, "openblas_set_threads_callback_function");
    dlclose(library);  // only drops the reference NOLOAD took: OpenBLAS stays loaded
    if (!set) return false;
    if (!workers_instance()) workers_instance() = new Workers(threads);
    set(openblas_threads);
    return true;
}

}  // namespace cpu
}  // namespace annonet
