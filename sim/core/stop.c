/* stop.c - the stop flag (stop.h). */
#include "sim/core/stop.h"

volatile sig_atomic_t gs_stop;
