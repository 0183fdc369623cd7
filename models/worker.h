/*
 * worker.h - front-line workers (MODEL.md §4.10): time, skill.
 */
#ifndef GS_WORKER_H
#define GS_WORKER_H

#include "world.h"

/* gs_workers_init - place workers in teams and draw their skill. */
int gs_workers_init(struct gs_world *w);

/* gs_worker_hours - paid hours of one worker in one tick [h]. */
double gs_worker_hours(const struct gs_world *w);

/* gs_worker_casework_hours - hours one worker has for contacts and cases in one tick [h]. */
double gs_worker_casework_hours(const struct gs_world *w);

/* gs_worker_practice - a worker finished a case: skill grows by skill_from_practice x (1 - skill). */
void gs_worker_practice(struct gs_world *w, int32_t worker);

/* gs_worker_phase - account this tick's reporting and learning hours and the cost of the workforce. */
int gs_worker_phase(struct gs_world *w);

#endif
