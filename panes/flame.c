/*
 * flame.c - the flame view (arrives with its issue; until then it opens nothing).
 */
#include "overlay.h"

bool view_flame_open(struct app *a, const cJSON *result)
{
	(void)a;
	(void)result;
	return false;
}
