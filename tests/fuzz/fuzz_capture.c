// SPDX-License-Identifier: MIT
/*
 * fuzz_capture.c - libFuzzer target: the capturer's ioctl decoders (core
 * and one driver's) fed random ioctl payloads, as if the kernel had
 * returned them; what they record is rendered to trace text and loaded
 * back with the trace loader, as `capture` then `replay` would.
 *
 * An input is [driver] then calls: [nr][dir][size lo][size hi][ret] + size
 * bytes of argument (the same bytes serve as the pre-call copy). A
 * decoder trusts the pointers inside an argument the kernel accepted
 * (ret 0), so those are moved into the arena of fuzz_common.h (keeping
 * any misalignment: the kernel takes misaligned arrays), which is followed
 * by 64 MiB of zero pages: a successful ioctl's arrays were all readable,
 * and cap_user() reads no more than 64 MiB. After a failed call pointers
 * stay wild and are read only through cap_safe_copy().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../../capture/capture.h"
#include "fuzz_common.h"

#define MAX_RECS 64

static const struct cap_decoder *const decoders[] = {
    &cap_decoder_xe,	  &cap_decoder_amdgpu, &cap_decoder_nouveau,
    &cap_decoder_panthor, &cap_decoder_msm,
};

static void render_and_load(const struct cap_decoder *dec, struct cap_rec **recs, size_t n)
{
	struct cap_out *o = cap_out_create();
	struct cap_strbuf sb = {0};
	struct vmb_trace *t;

	if (!o)
		return;
	cap_sb_printf(&sb,
		      "{\"format\":\"vmbench-trace\",\"version\":1,\"driver\":\"%s\","
		      "\"page_size\":4096,\"source\":{\"kind\":\"capture\"}}\n",
		      vmb_driver_name(dec->driver));
	for (size_t i = 0; i < n; i++)
		cap_out_render(o, recs[i], recs + i + 1, n - i - 1, &sb);
	cap_out_destroy(o);
	if (!sb.oom) {
		t = fuzz_load((const uint8_t *)sb.p, sb.len, ".jsonl");
		if (t)
			vmb_trace_destroy(t);
	}
	free(sb.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cap_build b;
	const struct cap_decoder *dec;
	struct cap_rec *recs[MAX_RECS];
	size_t pos = 1, n = 0;

	if (!size)
		return 0;
	dec = decoders[data[0] % (sizeof(decoders) / sizeof(decoders[0]))];
	fuzz_arena_fill(data, size, 64u << 20);
	while (pos + 5 <= size && n < MAX_RECS) {
		uint8_t nr = data[pos], dir = data[pos + 1] & 3, rc = data[pos + 4];
		uint32_t len = (data[pos + 2] | (uint32_t)data[pos + 3] << 8) & 0x3ff, pre_n = 0;
		unsigned long req = _IOC((unsigned int)dir, 'd', nr, len);
		struct cap_call c = {.fd = 3, .req = req, .size = len, .t_enter = 1000 + pos};
		enum cap_class cls;
		uint8_t *arg;
		bool ok;

		pos += 5;
		arg = malloc(len ? len : 1);
		if (!arg)
			break;
		memset(arg, 0, len);
		memcpy(arg, data + pos, len < size - pos ? len : size - pos);
		pos += len < size - pos ? len : size - pos;
		cls = nr >= 0x40 && nr < 0xa0 ? dec->classify(req, &pre_n)
					      : cap_core_classify(req, &pre_n);
		if (cls == CAP_IGNORE || cls == CAP_RAW || pre_n > len) {
			free(arg);
			continue;
		}
		c.arg = arg;
		c.pre = pre_n ? arg : NULL;
		c.ret = rc < 0xe0 ? 0 : -(int)(rc & 0x1f);
		if (!c.ret)
			fuzz_arena_pointers(arg, len, false, true);
		memset(&b.rec, 0, sizeof(b.rec));
		b.n_binds = b.n_syncs = b.n_ids = 0;
		b.oom = false;
		ok = nr >= 0x40 && nr < 0xa0 ? dec->decode(&c, &b) : cap_core_decode(&c, &b);
		free(arg);
		if (!ok)
			continue;
		b.rec.kind = b.rec.kind ? b.rec.kind : CAP_REC_OP;
		b.rec.file = 1;
		b.rec.driver = dec->driver;
		b.rec.ioctl = (uint32_t)req;
		b.rec.seq = n;
		b.rec.t_enter = 10 * n;
		b.rec.t_exit = 10 * n + 5;
		b.rec.ret = c.ret;
		recs[n] = malloc(cap_build_size(&b));
		if (!recs[n])
			break;
		cap_build_layout(&b, recs[n], cap_build_size(&b));
		n++;
	}
	render_and_load(dec, recs, n);
	for (size_t i = 0; i < n; i++)
		free(recs[i]);
	return 0;
}
