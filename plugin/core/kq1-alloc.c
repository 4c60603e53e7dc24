/* kq1-alloc.c
 * GLib's heap as a kq1_allocator_t.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "kq1-alloc.h"

static void *
glib_alloc(size_t size)
{
    return g_malloc(size);
}

static void
glib_free(void *block)
{
    g_free(block);
}

const kq1_allocator_t kq1_glib_allocator = { glib_alloc, glib_free };
