/*
 * viewer.c - the file view (arrives with its issue; until then it opens nothing).
 */
#include "overlay.h"

bool view_file_open(struct app *a, const cJSON *result)
{
	(void)a;
	(void)result;
	return false;
}
