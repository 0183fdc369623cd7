/*
 * provenance.h - what built this program: version, git revision, compiler
 * and flags, library versions. Recorded in every output file.
 */
#ifndef GS_PROVENANCE_H
#define GS_PROVENANCE_H

#define GS_VERSION "0.1.0"

const char *gs_git_revision(void); /* "abc1234" or "abc1234-dirty", "unknown" outside git */
const char *gs_compiler(void);     /* e.g. "gcc 12.2.0" */
const char *gs_cflags(void);       /* the compile flags of the build */
const char *gs_gsl_version(void);  /* GSL version linked */

#endif
