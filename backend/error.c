/*
 * error.c - messages, names and exit statuses for the RWB_E* codes, and
 * the thread's last error (error.h).
 *
 * The last error is a code and a fixed buffer in thread-local storage: no
 * allocation, so recording a failure cannot fail itself, and nothing is
 * left to free when a worker thread ends. Both rwb_fail and rwb_fail_wrap
 * format into a buffer of their own and copy: the previous message may be
 * one of the arguments (rwb_fail(code, "...: %s", rwb_last_error())).
 *
 * Never: allocate here; let a cut message end inside a UTF-8 sequence.
 */
#include "error.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct error_info {
	int code;
	int exit_status;
	const char *name;
	const char *message;
};

static const struct error_info errors[] = {
#define RWB_X_INFO(name, value, exit, msg) { value, exit, #name, msg },
	RWB_ERROR_LIST(RWB_X_INFO)
#undef RWB_X_INFO
};

static const struct error_info *error_find(int code)
{
	for (unsigned i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].code == code)
			return &errors[i];
	return NULL;
}

const char *rwb_strerror(int code)
{
	const struct error_info *e = error_find(code);
	return e ? e->message : "unknown error";
}

const char *rwb_errname(int code)
{
	const struct error_info *e = error_find(code);
	return e ? e->name + 4 : "EUNKNOWN";
}

int rwb_exit_status(int code)
{
	const struct error_info *e = error_find(code);
	return e ? e->exit_status : 3;
}

/* This thread's last error. */
static _Thread_local struct {
	int code;                      /* RWB_E* of the last failure, RWB_OK when none */
	char msg[RWB_ERROR_MAX];       /* its line; "" means rwb_strerror(code) */
} last;

/* A message cut by vsnprintf may end inside a UTF-8 sequence: drop the
 * partial character. */
static void trim_cut(char *buf, int wanted)
{
	size_t len, start;

	if (wanted < RWB_ERROR_MAX)
		return;
	len = strlen(buf);
	start = len;
	while (start > 0 && ((unsigned char)buf[start - 1] & 0xC0) == 0x80)
		start--;
	if (start > 0 && (unsigned char)buf[start - 1] >= 0xC0) {
		unsigned char lead = (unsigned char)buf[start - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (len - (start - 1) < need)
			buf[start - 1] = '\0';
	}
}

int rwb_vfail(int code, const char *fmt, va_list ap)
{
	char line[RWB_ERROR_MAX];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		line[0] = '\0';
	else
		trim_cut(line, n);
	memcpy(last.msg, line, strlen(line) + 1);
	last.code = code;
	return code;
}

int rwb_fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rwb_vfail(code, fmt, ap);
	va_end(ap);
	return code;
}

int rwb_fail_wrap(int code, const char *fmt, ...)
{
	char prev[RWB_ERROR_MAX];
	va_list ap;
	int n;

	snprintf(prev, sizeof(prev), "%s", rwb_last_error());
	va_start(ap, fmt);
	n = vsnprintf(last.msg, sizeof(last.msg), fmt, ap);
	va_end(ap);
	if (n < 0) {
		n = 0;
		last.msg[0] = '\0';
	}
	if ((size_t)n < sizeof(last.msg))
		n += snprintf(last.msg + n, sizeof(last.msg) - (size_t)n, ": %s", prev);
	trim_cut(last.msg, n);
	last.code = code;
	return code;
}

const char *rwb_last_error(void)
{
	return last.msg[0] ? last.msg : rwb_strerror(last.code);
}

int rwb_last_code(void)
{
	return last.code;
}

void rwb_error_clear(void)
{
	last.code = RWB_OK;
	last.msg[0] = '\0';
}
