/*
 * stop.h - the stop flag: set by a signal handler (SIGINT, SIGTERM), read
 * by every loop whose length grows with the size of a run, so that a run of
 * any allowed size ends soon after the signal. A loop that sees it set
 * gives up; the run it belonged to is discarded, never written.
 */
#ifndef GS_CORE_STOP_H
#define GS_CORE_STOP_H

#include <signal.h>
#include <stdbool.h>

extern volatile sig_atomic_t gs_stop;

static inline bool gs_stopping(void)
{
	return gs_stop != 0;
}

/* How many items (citizens, cases) a loop may do between two looks at the flag. */
#define GS_STOP_EVERY 65536

#endif
