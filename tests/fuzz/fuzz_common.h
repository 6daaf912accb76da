/* SPDX-License-Identifier: MIT */
/*
 * fuzz_common.h - helpers shared by the libFuzzer targets (tests/fuzz/):
 * the trace loader reads a path, so an input is written to a file first.
 */
#ifndef VMB_FUZZ_COMMON_H
#define VMB_FUZZ_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* load @size bytes at @data as a trace file named *@suffix; NULL if rejected */
static inline struct vmb_trace *fuzz_load(const uint8_t *data, size_t size, const char *suffix)
{
	struct vmb_trace *t = NULL;
	char path[64], err[512];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/vmb-fuzz-%d%s", (int)getpid(), suffix);
	f = fopen(path, "w");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f))
		abort();
	if (vmb_trace_load(path, &t, err, sizeof(err)))
		t = NULL;
	unlink(path);
	return t;
}

/*
 * User memory for pointers inside ioctl arguments. A random pointer that
 * lands in mapped memory (ASan's shadow is terabytes of it) would be
 * written through as a kernel would, corrupting the fuzzer, so every
 * pointer-looking u64 of an argument (>= 64 KiB) is moved into
 * this arena, filled with input bytes, with an unmapped page after it: a
 * read past its end is EFAULT, as on a kernel.
 */
#define FUZZ_ARENA (256u << 10)
static uint8_t *fuzz_arena;

/* @tail: zero bytes mapped after the arena, before the unmapped page */
static inline void fuzz_arena_fill(const uint8_t *data, size_t size, size_t tail)
{
	if (!fuzz_arena) {
		fuzz_arena = mmap(NULL, FUZZ_ARENA + tail + 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (fuzz_arena == MAP_FAILED ||
		    mprotect(fuzz_arena + FUZZ_ARENA + tail, 4096, PROT_NONE))
			abort();
	}
	for (size_t off = 0; off < FUZZ_ARENA; off += size ? size : FUZZ_ARENA) {
		size_t n = FUZZ_ARENA - off < size ? FUZZ_ARENA - off : size;

		if (!size) {
			memset(fuzz_arena, 0, FUZZ_ARENA);
			break;
		}
		memcpy(fuzz_arena + off, data, n);
	}
}

/*
 * @align: keep pointers 8-byte aligned (else their low bits stay);
 * @all: also move values from 2^48 up (else left wild: non-canonical)
 */
static inline void fuzz_arena_pointers(uint8_t *arg, size_t len, bool align, bool all)
{
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t v;

		memcpy(&v, arg + i, 8);
		if (v < 0x10000 || (!all && v >= (1ULL << 48)))
			continue;
		v = (uint64_t)(uintptr_t)fuzz_arena + (v % FUZZ_ARENA & (align ? ~7ULL : ~0ULL));
		memcpy(arg + i, &v, 8);
	}
	/* a pointer cut by the argument's end reads zero-extended: drop it */
	if (len % 8) {
		uint64_t v = 0;

		memcpy(&v, arg + len - len % 8, len % 8);
		if (v >= 0x10000)
			memset(arg + len - len % 8, 0, len % 8);
	}
}

#endif
