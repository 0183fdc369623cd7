/*
 * place.h - which CPU each thread of an ensemble runs on.
 *
 * When an ensemble has a thread for every CPU the process may run on, each
 * thread keeps one CPU of its own while the ensemble runs: the calling
 * thread the CPU it is on, the others the remaining CPUs in order. Left to
 * itself, Linux often puts two of them on one CPU while another process
 * keeps the other busy (docs/performance.md, *Threads on CPUs of their
 * own*), and then the two threads together get one CPU.
 *
 * A thread that has finished its runs and finds no run left loosens the
 * placement: it lets go of its CPU, and every other thread at its next tick
 * (gs_place_poll) moves to the CPU just freed if another process has been
 * sharing its own (it waited for its CPU a quarter of the time or more
 * since it was bound), or else lets go of its CPU too, so that the system
 * may place it (a thread kept on a CPU a busy process shares would get
 * half of it while the freed one idles).
 *
 * Nothing is bound when fewer threads than CPUs run (the system is free to
 * use the idle ones), when the user has placed OpenMP's threads
 * (OMP_PROC_BIND, OMP_PLACES or GOMP_CPU_AFFINITY set; OMP_PROC_BIND=false
 * asks for no binding at all), or where the system cannot bind (not
 * Linux). Where threads run never changes results.
 */
#ifndef GS_CORE_PLACE_H
#define GS_CORE_PLACE_H

#include <stdbool.h>

struct gs_place {
	bool on;    /* the threads are bound */
	int n_cpus; /* CPUs the process may run on (0 if unknown) */
	int *cpu;   /* [n_cpus] thread k's CPU is cpu[k]; every thread returns to all of them */
	_Atomic int loose; /* a thread ran out of runs: the others let go of their CPUs */
	_Atomic int freed; /* the CPU that thread was bound to, -1 if none */
};

/* gs_place_cpus - the CPUs the calling thread may run on (0 if the system does not say). */
int gs_place_cpus(void);

/*
 * gs_place_wanted - whether `threads` threads on `n_cpus` CPUs are to be
 * bound, given the values of OMP_PROC_BIND, OMP_PLACES and
 * GOMP_CPU_AFFINITY (NULL if unset): only when none is set and there are
 * as many threads as CPUs (at least two).
 */
bool gs_place_wanted(int threads, int n_cpus, const char *proc_bind, const char *places,
		     const char *gomp_affinity);

/*
 * gs_place_plan - the placement of an ensemble of `threads` threads whose
 * thread 0 is the calling thread, from this process's environment and the
 * calling thread's CPUs. Returns 0, or -1 if out of memory (then *pl binds
 * nothing). Free with gs_place_free.
 */
int gs_place_plan(struct gs_place *pl, int threads);

void gs_place_free(struct gs_place *pl);

/*
 * gs_place_enter - bind the calling thread, thread k of an ensemble's
 * `team` threads, to its CPU: if pl->on and the team has the planned
 * thread for every CPU.
 */
void gs_place_enter(const struct gs_place *pl, int k, int team);

/* gs_place_leave - let the calling thread run on every CPU of the plan again (if pl->on). */
void gs_place_leave(const struct gs_place *pl);

/*
 * gs_place_loosen - the calling thread has finished its runs and found no
 * other to take: it lets go of its CPU, and every thread of the plan lets
 * go of its own at its next gs_place_poll, so that the system may move the
 * runs still going to the CPU it leaves (beside a busy process, a thread
 * bound to the busy CPU would keep half of it while the other idles).
 */
void gs_place_loosen(struct gs_place *pl);

/*
 * gs_place_poll - if the calling thread's plan was loosened: it moves to
 * the CPU freed if it has been crowded on its own (gs_place_crowded, from
 * /proc/thread-self/schedstat), else lets go of its CPU. Cheap otherwise.
 */
void gs_place_poll(void);

/*
 * gs_place_settle - what gs_place_poll does once the plan is loosened, the
 * crowding given: crowded and another CPU freed, the calling thread is
 * bound to that CPU alone until it leaves the plan; else it lets go of its
 * CPU. Nothing if the thread is not bound.
 */
void gs_place_settle(bool crowded);

/*
 * gs_place_crowded - whether a thread that waited `waited_ns` for its CPU
 * in `elapsed_ns` [ns] shares it with another busy thread: a quarter of the
 * time or more (false when either is unknown: negative).
 */
bool gs_place_crowded(long long waited_ns, long long elapsed_ns);

#endif
