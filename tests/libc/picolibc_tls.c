/*
 * picolibc_tls.c: set up picolibc's thread-local storage (errno) on the
 * boards' startup code, which does not know about it. An entry in
 * .preinit_array runs first thing in __libc_init_array(), before any
 * constructor can allocate and so set errno. picolibc_tls.ld lays out
 * the template and checks that it fits the block.
 */
#include <picolibc.h> /* PICOLIBC_TLS, which picotls.h tests */
#include <picotls.h>
#include <stdint.h>

static uint8_t tls_block[256] __attribute__((aligned(8)));

static void tls_setup(void)
{
	_init_tls(tls_block);
	_set_tls(tls_block);
}

__attribute__((section(".preinit_array"), used)) static void (*const tls_setup_entry)(void) =
	tls_setup;
