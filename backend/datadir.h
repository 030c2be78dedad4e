/*
 * datadir.h - where rwb's own data files are: the starter memory, the
 * scaffolding templates, the bundled themes.
 *
 * They are found relative to the running binary (/proc/self/exe), never at
 * a path compiled in: an installed rwb (PREFIX/bin/rwb) reads
 * PREFIX/share/rwb/, which `cmake --install` fills; a build tree's binaries
 * (build/rwb, build/tests/test_*) read build/share/rwb/, which every build
 * fills with a copy of data/ and themes/. $RWB_DATA_DIR, when set, is
 * looked in first.
 *
 * Never: look in the source tree, or keep a path of it in the binary.
 */
#ifndef RWB_DATADIR_H
#define RWB_DATADIR_H

/* The path of rel ("memory-starter.json", "themes/x.theme") in the first
 * data folder that has it as a regular file (allocated), or NULL. */
char *datadir_find(const char *rel);

#endif
