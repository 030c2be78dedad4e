/*
 * board.c - schema of the board subsystem (its tables arrive with its issue).
 */
#include "schema.h"

const struct store_module schema_board = { "board", NULL, 0 };
