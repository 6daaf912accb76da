/* SPDX-License-Identifier: MIT */
/*
 * harness.h - a tiny test harness. Each test binary defines named test
 * cases with TEST(name) and runs them from main() with RUN(name); output is
 * TAP-like ("ok N - name", "not ok N - name", "ok N - name # SKIP why"),
 * failures print "# file:line: expr (got X, want Y)", and the binary ends
 * with "N passed, N failed, N skipped" and a non-zero exit on failure.
 */
#ifndef VMB_TEST_HARNESS_H
#define VMB_TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int th_passed, th_failed, th_skipped, th_num;
static int th_cur_failed;
static const char *th_skip_reason;

#define TEST(name) static void test_##name(void)

#define RUN(name)                                                                                  \
	do {                                                                                       \
		th_cur_failed = 0;                                                                 \
		th_skip_reason = NULL;                                                             \
		test_##name();                                                                     \
		th_num++;                                                                          \
		if (th_skip_reason) {                                                              \
			th_skipped++;                                                              \
			printf("ok %d - %s # SKIP %s\n", th_num, #name, th_skip_reason);           \
		} else if (th_cur_failed) {                                                        \
			th_failed++;                                                               \
			printf("not ok %d - %s\n", th_num, #name);                                 \
		} else {                                                                           \
			th_passed++;                                                               \
			printf("ok %d - %s\n", th_num, #name);                                     \
		}                                                                                  \
		fflush(stdout);                                                                    \
	} while (0)

#define SKIP(why)                                                                                  \
	do {                                                                                       \
		th_skip_reason = (why);                                                            \
		return;                                                                            \
	} while (0)

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		if (!(expr)) {                                                                     \
			printf("# %s:%d: %s\n", __FILE__, __LINE__, #expr);                        \
			th_cur_failed = 1;                                                         \
		}                                                                                  \
	} while (0)

#define CHECK_INT(got, want)                                                                       \
	do {                                                                                       \
		long long th_g = (long long)(got), th_w = (long long)(want);                       \
		if (th_g != th_w) {                                                                \
			printf("# %s:%d: %s == %s (got %lld, want %lld)\n", __FILE__, __LINE__,    \
			       #got, #want, th_g, th_w);                                           \
			th_cur_failed = 1;                                                         \
		}                                                                                  \
	} while (0)

#define CHECK_U64(got, want)                                                                       \
	do {                                                                                       \
		uint64_t th_g = (uint64_t)(got), th_w = (uint64_t)(want);                          \
		if (th_g != th_w) {                                                                \
			printf("# %s:%d: %s == %s (got 0x%" PRIx64 ", want 0x%" PRIx64 ")\n",      \
			       __FILE__, __LINE__, #got, #want, th_g, th_w);                       \
			th_cur_failed = 1;                                                         \
		}                                                                                  \
	} while (0)

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		const char *th_g = (got), *th_w = (want);                                          \
		if (!th_g || !th_w || strcmp(th_g, th_w) != 0) {                                   \
			printf("# %s:%d: %s\n#   got:  %s\n#   want: %s\n", __FILE__, __LINE__,    \
			       #got, th_g ? th_g : "(null)", th_w ? th_w : "(null)");              \
			th_cur_failed = 1;                                                         \
		}                                                                                  \
	} while (0)

#define TEST_SUMMARY()                                                                             \
	(printf("%d passed, %d failed, %d skipped\n", th_passed, th_failed, th_skipped),           \
	 th_failed ? 1 : 0)

#endif /* VMB_TEST_HARNESS_H */
