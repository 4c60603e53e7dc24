/* kq1-alloc.h
 * Where the core keeps capture-long state: in the plugin, Wireshark's
 * wmem_file_scope() (freed with the capture, as Wireshark's own dissectors
 * keep theirs); in the unit tests, GLib's heap. GLib only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_ALLOC_H
#define KQ1_ALLOC_H

#include <stddef.h>

typedef struct {
    void *(*allocate)(size_t size);  /* never returns NULL */
    void  (*release)(void *block);
} kq1_allocator_t;

/* g_malloc and g_free. */
extern const kq1_allocator_t kq1_glib_allocator;

#endif /* KQ1_ALLOC_H */
