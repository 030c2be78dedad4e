/*
 * diag.c - the diagnostics view (arrives with its issue; until then it opens nothing).
 */
#include "overlay.h"

bool view_diagnostics_open(struct app *a, const cJSON *result)
{
	(void)a;
	(void)result;
	return false;
}
