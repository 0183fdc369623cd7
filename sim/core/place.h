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
 * placement: it and every other thread let go of their CPUs (the others at
 * their next tick, gs_place_poll), so that the system may move a run still
 * going off a CPU that another process keeps busy, to the one just freed.
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

/* gs_place_poll - the calling thread lets go of its CPU if its plan was loosened (cheap). */
void gs_place_poll(void);

#endif
