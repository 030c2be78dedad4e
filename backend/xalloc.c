/*
 * xalloc.c - allocation wrappers and the one fatal path.
 */
#include "xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static void (*fatal_hook)(void);

void xalloc_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	if (fatal_hook) {
		void (*hook)(void) = fatal_hook;
		fatal_hook = NULL; /* never twice, even if the hook fails */
		hook();
	}
	fputs("rwb: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		fatal("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		fatal("out of memory allocating %zu x %zu bytes", count, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		fatal("out of memory growing to %zu bytes", n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	int len;
	char *p;

	va_copy(copy, ap);
	len = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (len < 0)
		fatal("bad format string '%s'", fmt);
	p = xmalloc((size_t)len + 1);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

/* a build whose leak checker must see every free */
#if defined(__SANITIZE_ADDRESS__)
#define XALLOC_LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define XALLOC_LEAK_CHECKED 1
#endif
#endif
#ifndef XALLOC_LEAK_CHECKED
#define XALLOC_LEAK_CHECKED 0
#endif

#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
#define XALLOC_HUGE (2u << 20)   /* a transparent huge page on x86-64 and arm64 */

static pthread_once_t heap_once = PTHREAD_ONCE_INIT;
static bool batch;   /* set by a one-shot command run: the policy may apply */

/* Requests up to 32 MB from the heap (the reservation must come from it,
 * not from an mmap of its own that free() unmaps), and up to 64 MB of
 * freed heap kept (so the reservation outlives its free()). */
static void heap_policy(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

/* The blocks that hold the part of a reservation below its first huge
 * page: never written, so they cost address space and no memory; kept
 * here so nothing loses them (a one-shot run reserves a few times).
 * volatile: nothing reads them, and the compiler drops a malloc whose
 * pointer is only stored where nothing reads it (it did, at -O2). */
#define XALLOC_HEADS 64
static void *volatile heads[XALLOC_HEADS];
static atomic_int nheads;

void xalloc_reserve(size_t bytes)
{
	char *p;
	uintptr_t at, a, e;

	if (!batch || XALLOC_LEAK_CHECKED)
		return;   /* a long-lived process (the TUI, rwb mcp) keeps glibc's policy; a
			   * sanitizer's allocator has its own heap */
	pthread_once(&heap_once, heap_policy);
	p = malloc(bytes);
	if (!p)
		return;   /* only a hint: nothing fails */
	/* the whole huge pages inside the block (the heap's top, once freed) */
	at = (uintptr_t)p;
	a = (at + XALLOC_HUGE - 1) & ~(uintptr_t)(XALLOC_HUGE - 1);
	e = (at + bytes) & ~(uintptr_t)(XALLOC_HUGE - 1);
	if (e > a)
		madvise((void *)a, e - a, MADV_HUGEPAGE);
	free(p);
	/* The heap's next blocks would start where p was, up to 2 MB below
	 * the first huge page: 4 KB pages there, each a fault (500 of them,
	 * 6 ms on the registry scan's main thread on a VM). A block that ends
	 * a little below a takes that part (malloc cuts it from the top just
	 * freed), so what follows comes from whole huge pages. */
	if (e > a && a - at > 4096) {
		int k = atomic_fetch_add(&nheads, 1);
		if (k < XALLOC_HEADS)
			heads[k] = malloc(a - at - 64);
	}
}

void xalloc_set_batch(bool on)
{
	batch = on;
}

bool xalloc_exit_reclaims(void)
{
	return batch && !XALLOC_LEAK_CHECKED;
}
#else
void xalloc_reserve(size_t bytes)
{
	(void)bytes;
}

void xalloc_set_batch(bool on)
{
	(void)on;
}

bool xalloc_exit_reclaims(void)
{
	return false;
}
#endif
