/*
 * error.c - messages, names and exit statuses for the RWB_E* codes.
 */
#include "error.h"

#include <stddef.h>

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
