/*
 * error.h - rwb's error codes.
 *
 * Every fallible function returns int: 0 on success, a negative RWB_E* code
 * otherwise. The codes come from one X-macro list so the name, the message
 * and the process exit status (see ../shared/spec/cli.md) stay in step.
 * Expected outcomes (a key that is not there) are states, not errors.
 */
#ifndef RWB_ERROR_H
#define RWB_ERROR_H

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

#endif
