/*
 * error.h - rwb's error codes.
 *
 * Every fallible function returns int: 0 on success, a negative RWB_E* code
 * otherwise. The codes come from one X-macro list so the name, the message
 * and the process exit status (see ../shared/spec/cli.md) stay in step.
 * Expected outcomes (a key that is not there) are states, not errors.
 *
 * The message travels apart from the code, in one channel per thread
 * (libgit2's git_error_last, tig's error()): a failing function returns
 * rwb_fail(RWB_EINPUT, "...") and its caller reads rwb_last_error(), or
 * adds its context with rwb_fail_wrap(rc, "cannot record the audit"), which
 * gives "cannot record the audit: <the previous message>". The channel is
 * _Thread_local, so a worker thread's failure never overwrites the message
 * the main thread is about to show. A message longer than RWB_ERROR_MAX - 1
 * bytes is cut (at a UTF-8 character boundary).
 *
 * Never: read the channel after a success and take it for this call's
 * failure (it keeps the last failure until the next rwb_fail or
 * rwb_error_clear); pass a message between threads through it.
 */
#ifndef RWB_ERROR_H
#define RWB_ERROR_H

#include <stdarg.h>

/* X(name, value, exit status, message) */
#define RWB_ERROR_LIST(X)                                                     \
	X(RWB_OK,        0,  0, "ok")                                        \
	X(RWB_ENOMEM,   -1,  3, "out of memory")                             \
	X(RWB_EUSAGE,   -2,  2, "bad usage")                                 \
	X(RWB_EINPUT,   -3,  2, "bad input")                                 \
	X(RWB_ENOTFOUND,-4,  2, "not found")                                 \
	X(RWB_ESTORE,   -5,  3, "store error")                               \
	X(RWB_ECORRUPT, -6,  3, "store is corrupt or not an rwb store")      \
	X(RWB_ENEWER,   -7,  3, "store was written by a newer rwb")          \
	X(RWB_EIO,      -8,  3, "input/output error")                        \
	X(RWB_ENOTREPO, -9,  3, "not a git repository")                      \
	X(RWB_ENOTIMPL, -10, 3, "not implemented yet")                       \
	X(RWB_EENV,     -11, 3, "environment problem")                       \
	X(RWB_EBUSY,    -12, 3, "store is busy")                             \
	X(RWB_EPERM,    -13, 3, "permission denied")                         \
	X(RWB_ENOTOOL,  -14, 3, "a required program is missing")            \
	X(RWB_EFAILED,  -15, 1, "the command's answer is negative")          \
	X(RWB_ECANCEL,  -16, 1, "cancelled")                                 \
	X(RWB_EEXIST,   -17, 2, "already exists")                            \
	X(RWB_EINTERNAL,-18, 3, "internal error")

enum rwb_error {
#define RWB_X_ENUM(name, value, exit, msg) name = value,
	RWB_ERROR_LIST(RWB_X_ENUM)
#undef RWB_X_ENUM
};

/* The message for a code; never NULL. */
const char *rwb_strerror(int code);
/* The code's symbolic name without the RWB_ prefix ("EUSAGE"). */
const char *rwb_errname(int code);
/* The process exit status for a code (0, 1, 2 or 3). */
int rwb_exit_status(int code);

/* Room for one message in the channel, the final NUL included. */
#define RWB_ERROR_MAX 8192

/* Records code and the formatted line as this thread's last error and
 * returns code, so a failure reads `return rwb_fail(RWB_EINPUT, ...)`. */
int rwb_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rwb_vfail(int code, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Puts context in front of the last error: the message becomes
 * "<formatted fmt>: <rwb_last_error()>" and the code becomes code. */
int rwb_fail_wrap(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* This thread's last message; rwb_strerror(rwb_last_code()) when the last
 * rwb_fail gave an empty one or none was recorded. Valid until the thread's
 * next rwb_fail*; never NULL. */
const char *rwb_last_error(void);
/* This thread's last code: RWB_OK when none was recorded since the last clear. */
int rwb_last_code(void);
/* Forgets this thread's last error. */
void rwb_error_clear(void);

#endif
