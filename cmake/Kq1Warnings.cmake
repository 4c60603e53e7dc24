# SPDX-License-Identifier: GPL-2.0-or-later
# Compiler warnings for the project's own code. Wireshark's and GLib's headers
# come in as system headers (imported targets), so their warnings stay out.
option(KQ1_WERROR "Treat compiler warnings as errors" OFF)

set(KQ1_WARNING_FLAGS -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes
    -Wmissing-prototypes -Wpointer-arith -Wundef)
if(KQ1_WERROR)
    list(APPEND KQ1_WARNING_FLAGS -Werror)
endif()

function(kq1_warnings target)
    target_compile_options(${target} PRIVATE ${KQ1_WARNING_FLAGS})
endfunction()
