/*
 * provenance.c - build facts, passed in by the Makefile as -D macros.
 */
#include "sim/core/provenance.h"

#include <gsl/gsl_version.h>

#ifndef GS_GIT_REV
#define GS_GIT_REV "unknown"
#endif
#ifndef GS_BUILD_CFLAGS
#define GS_BUILD_CFLAGS "unknown"
#endif

const char *gs_git_revision(void)
{
	return GS_GIT_REV;
}

const char *gs_compiler(void)
{
#if defined(__clang__)
	return "clang " __clang_version__;
#elif defined(__GNUC__)
	return "gcc " __VERSION__;
#else
	return "unknown";
#endif
}

const char *gs_cflags(void)
{
	return GS_BUILD_CFLAGS;
}

const char *gs_gsl_version(void)
{
	return gsl_version;
}
