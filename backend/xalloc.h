/*
 * xalloc.h - allocation that never returns NULL.
 *
 * Allocation failure is not a user error: rwb cannot go on, so the fatal
 * path runs the hook the front end installed (the TUI restores the terminal
 * with endwin()) and aborts, as htop's fail() does.
 */
#ifndef RWB_XALLOC_H
#define RWB_XALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/*
 * Lets the calling thread's heap grow by bytes at once, with transparent
 * huge pages advised for it: a burst of small allocations that stay (the
 * unsafe scan's items, code and stored rows, about 25 MB on a registry)
 * then costs a page fault per 2 MB, not per 4 KB (the heap's next blocks
 * start at the reservation's first huge page). The first call sets the
 * process's malloc to serve requests up to 32 MB from the heap and to keep
 * up to 64 MB of freed heap instead of giving it back at once (glibc only;
 * elsewhere, and where the kernel has no huge pages, it changes nothing).
 */
void xalloc_reserve(size_t bytes);
/* A one-shot command (rwb /cmd) sets it: xalloc_reserve changes the heap
 * policy only then. The TUI and rwb mcp live for hours; keeping 64 MB of
 * freed heap there would cost every person's session, so they never do. */
void xalloc_set_batch(bool on);
/* Whether what a one-shot command still holds when it is done may be left
 * to the process's exit (as compilers do: clang's -disable-free): only in
 * a batch run, and never in a build with a leak checker (ASan/LSan), which
 * must see every free. */
bool xalloc_exit_reclaims(void);
/* Called once before abort() on a fatal error (allocation failure, broken
 * invariant). The TUI sets it to restore the terminal. */
void xalloc_set_fatal_hook(void (*hook)(void));
/* Print the message, run the hook, abort. */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
