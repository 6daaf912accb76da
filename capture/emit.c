// SPDX-License-Identifier: MIT
/*
 * emit.c - the writer thread's side of a record: kernel handles become
 * trace ids (per DRM file, in sequence order) and the op becomes one JSON
 * line of trace format v1 (DESIGN.md §3).
 *
 * Ids are allocated per object class from 1 in order of creation, for the
 * whole output file (one per process). A handle is looked up in the map of
 * the DRM file the ioctl was made on; a create replaces any stale entry for
 * a reused handle, a destroy removes it after rendering.
 *
 * The lines are rendered here rather than through vmb_trace_write_op() so
 * that the preloaded library carries no stdio stream and no other shared
 * library (jansson) into the host process; tests/capture*.sh load every
 * captured file with the real trace loader to keep the two in agreement.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

/* open-addressing map u32 handle -> u32 id; keys stored +1 so 0 = empty */
struct hmap {
	uint64_t *keys;
	uint32_t *vals;
	uint32_t cap, n;
};

static uint32_t hmap_slot(const struct hmap *m, uint32_t key)
{
	uint32_t h = key * 2654435761u;

	return h & (m->cap - 1);
}

static uint32_t hmap_get(const struct hmap *m, uint32_t key)
{
	if (!m->cap)
		return 0;
	for (uint32_t i = hmap_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return 0;
		if (m->keys[i] == (uint64_t)key + 1)
			return m->vals[i];
	}
}

static int hmap_put(struct hmap *m, uint32_t key, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct hmap nm = {.cap = m->cap ? m->cap * 2 : 64};

		nm.keys = calloc(nm.cap, sizeof(*nm.keys));
		nm.vals = calloc(nm.cap, sizeof(*nm.vals));
		if (!nm.keys || !nm.vals) {
			free(nm.keys);
			free(nm.vals);
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < m->cap; i++)
			if (m->keys[i] && m->vals[i])
				hmap_put(&nm, (uint32_t)(m->keys[i] - 1), m->vals[i]);
		free(m->keys);
		free(m->vals);
		*m = nm;
	}
	for (uint32_t i = hmap_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i]) {
			m->keys[i] = (uint64_t)key + 1;
			m->vals[i] = val;
			m->n++;
			return 0;
		}
		if (m->keys[i] == (uint64_t)key + 1) {
			m->vals[i] = val;
			return 0;
		}
	}
}

/* removal keeps the probe chain intact: the value becomes 0 (= absent) */
static void hmap_del(struct hmap *m, uint32_t key)
{
	if (!m->cap)
		return;
	for (uint32_t i = hmap_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return;
		if (m->keys[i] == (uint64_t)key + 1) {
			m->vals[i] = 0;
			return;
		}
	}
}

static void hmap_free(struct hmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* per DRM file: its handle maps */
/*
 * struct ofile - per DRM file: its handle maps, and the userptr BOs
 * (amdgpu GEM_USERPTR): those are written as map_userptr entries at their
 * CPU address, not as BOs, since that is what the trace format calls them
 */
struct ofile {
	uint32_t serial;
	enum vmb_driver driver;
	uint32_t implicit_vm;
	struct hmap map[4]; /* enum vmb_obj_class */
	struct hmap uptr;   /* handle -> index + 1 into @uaddr */
	uint64_t *uaddr;
	uint32_t n_uaddr;
	struct ofile *next;
};

/* CPU address of userptr BO @handle, or false */
static bool uptr_addr(const struct ofile *f, uint32_t handle, uint64_t *addr)
{
	uint32_t k = hmap_get(&f->uptr, handle);

	if (!k)
		return false;
	*addr = f->uaddr[k - 1];
	return true;
}

static void uptr_add(struct ofile *f, uint32_t handle, uint64_t addr)
{
	uint64_t *n = realloc(f->uaddr, (f->n_uaddr + 1) * sizeof(*n));

	if (!n)
		return;
	f->uaddr = n;
	f->uaddr[f->n_uaddr++] = addr;
	if (hmap_put(&f->uptr, handle, f->n_uaddr))
		f->n_uaddr--;
}

/* an object exported as an fd, by the DRM file it was exported from */
struct export
{
	uint32_t serial;
	uint32_t id;
};

struct cap_out {
	struct ofile *files;
	uint32_t next_id[4];
	struct hmap exports[4]; /* fd -> index + 1 into @exp */
	struct export *exp;
	uint32_t n_exp, cap_exp;
	uint32_t *hcount[4]; /* per id: handles naming it, over all files */
	uint32_t n_hcount[4];
	struct cap_out_stats st;
	uint8_t *so_flags;
	uint64_t *so_last;
	uint32_t n_so;
};

/** cap_out_create() - a renderer with no files and ids from 1; NULL on ENOMEM */
struct cap_out *cap_out_create(void)
{
	struct cap_out *o = calloc(1, sizeof(*o));

	if (o)
		cap_out_reset(o);
	return o;
}

static void free_files(struct cap_out *o)
{
	while (o->files) {
		struct ofile *f = o->files;

		o->files = f->next;
		for (int i = 0; i < 4; i++)
			hmap_free(&f->map[i]);
		hmap_free(&f->uptr);
		free(f->uaddr);
		free(f);
	}
}

static void free_shared(struct cap_out *o)
{
	for (int i = 0; i < 4; i++) {
		hmap_free(&o->exports[i]);
		free(o->hcount[i]);
	}
	free(o->exp);
}

/** cap_out_reset() - forget every file, id and counter (new output file) */
void cap_out_reset(struct cap_out *o)
{
	free_files(o);
	free_shared(o);
	free(o->so_flags);
	free(o->so_last);
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < 4; i++)
		o->next_id[i] = 1;
}

/** cap_out_destroy() - free a renderer (NULL is fine) */
void cap_out_destroy(struct cap_out *o)
{
	if (!o)
		return;
	free_files(o);
	free_shared(o);
	free(o->so_flags);
	free(o->so_last);
	free(o);
}

/** cap_out_stats() - what has been rendered so far, for the header */
const struct cap_out_stats *cap_out_stats(const struct cap_out *o)
{
	return &o->st;
}

static struct ofile *ofile_get(struct cap_out *o, uint32_t serial)
{
	struct ofile *f;

	for (f = o->files; f; f = f->next)
		if (f->serial == serial)
			return f;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->serial = serial;
	f->next = o->files;
	o->files = f;
	return f;
}

static void ofile_drop(struct cap_out *o, uint32_t serial)
{
	for (struct ofile **p = &o->files; *p; p = &(*p)->next) {
		if ((*p)->serial == serial) {
			struct ofile *f = *p;

			*p = f->next;
			for (int i = 0; i < 4; i++)
				hmap_free(&f->map[i]);
			hmap_free(&f->uptr);
			free(f->uaddr);
			free(f);
			return;
		}
	}
}

/* ---- string buffer ---- */

static void sb_reserve(struct cap_strbuf *sb, size_t more)
{
	if (sb->len + more + 1 <= sb->cap)
		return;
	size_t ncap = sb->cap ? sb->cap : 4096;

	while (ncap < sb->len + more + 1)
		ncap *= 2;
	char *np = realloc(sb->p, ncap);

	if (!np) {
		sb->oom = true;
		return;
	}
	sb->p = np;
	sb->cap = ncap;
}

/** cap_sb_putc() - append a character (sets @sb->oom on ENOMEM) */
void cap_sb_putc(struct cap_strbuf *sb, char c)
{
	if (sb->len + 2 > sb->cap)
		sb_reserve(sb, 1);
	if (sb->oom)
		return;
	sb->p[sb->len++] = c;
	sb->p[sb->len] = 0;
}

/* append @n bytes of @s */
static void sb_putn(struct cap_strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap)
		sb_reserve(sb, n);
	if (sb->oom)
		return;
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = 0;
}

#define SB_LIT(sb, lit) sb_putn((sb), (lit), sizeof(lit) - 1)

/** cap_sb_puts() - append a string */
void cap_sb_puts(struct cap_strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	if (sb->len + n + 1 > sb->cap)
		sb_reserve(sb, n);
	if (sb->oom)
		return;
	memcpy(sb->p + sb->len, s, n + 1);
	sb->len += n;
}

/** cap_sb_printf() - append formatted text (not on the hot path) */
void cap_sb_printf(struct cap_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	sb_reserve(sb, 64);
	if (sb->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->p + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sb->cap - sb->len) {
		sb_reserve(sb, (size_t)n);
		if (sb->oom)
			return;
		va_start(ap, fmt);
		vsnprintf(sb->p + sb->len, sb->cap - sb->len, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

/** cap_sb_json_str() - append @s as a JSON string literal */
void cap_sb_json_str(struct cap_strbuf *sb, const char *s)
{
	cap_sb_putc(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			cap_sb_printf(sb, "\\%c", c);
		else if (c < 0x20)
			cap_sb_printf(sb, "\\u%04x", c);
		else
			cap_sb_putc(sb, (char)c);
	}
	cap_sb_putc(sb, '"');
}

/* the writer's hot path: number formatting without printf */
static void sb_dec(struct cap_strbuf *sb, uint64_t v)
{
	char buf[24], *end = buf + sizeof(buf), *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_putn(sb, p, (size_t)(end - p));
}

static void sb_int(struct cap_strbuf *sb, int64_t v)
{
	if (v < 0) {
		cap_sb_putc(sb, '-');
		sb_dec(sb, (uint64_t)-v);
	} else {
		sb_dec(sb, (uint64_t)v);
	}
}

static void sb_hex(struct cap_strbuf *sb, uint64_t v)
{
	char buf[24], *end = buf + sizeof(buf), *p = end;

	*--p = '"';
	do {
		*--p = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	sb_putn(sb, p, (size_t)(end - p));
}

/* ,"key": */
static void sb_key(struct cap_strbuf *sb, const char *key)
{
	SB_LIT(sb, ",\"");
	cap_sb_puts(sb, key);
	SB_LIT(sb, "\":");
}

/* integers: plain numbers below 2^53, "0x..." strings above */
static void put_u64(struct cap_strbuf *sb, const char *key, uint64_t v)
{
	sb_key(sb, key);
	if (v < (1ull << 53))
		sb_dec(sb, v);
	else
		sb_hex(sb, v);
}

/* addresses and sizes of mappings: always hex, as kernel developers read them */
static void put_hex(struct cap_strbuf *sb, const char *key, uint64_t v)
{
	sb_key(sb, key);
	sb_hex(sb, v);
}

static void put_flags(struct cap_strbuf *sb, const char *const *names, unsigned int flags)
{
	bool first = true;

	if (!flags)
		return;
	cap_sb_puts(sb, ",\"flags\":[");
	for (unsigned int i = 0; names[i]; i++) {
		if (!(flags & (1u << i)))
			continue;
		cap_sb_printf(sb, "%s\"%s\"", first ? "" : ",", names[i]);
		first = false;
	}
	cap_sb_putc(sb, ']');
}

static const char *const bind_flag_names[] = {"readonly",  "noexec",   "uncached",
					      "immediate", "dumpable", NULL};
static const char *const vm_flag_names[] = {"fault", "implicit_va", NULL};
static const char *const bo_flag_names[] = {"scanout", "userptr", NULL};

/* ---- handle translation ---- */

/* one more (@d = 1) or one less (@d = -1) handle names @id; returns the count */
static uint32_t hcount_add(struct cap_out *o, int cls, uint32_t id, int d)
{
	if (id >= o->n_hcount[cls]) {
		uint32_t n = id + 256;
		uint32_t *nc = realloc(o->hcount[cls], n * sizeof(*nc));

		if (!nc)
			return 1;
		memset(nc + o->n_hcount[cls], 0, (n - o->n_hcount[cls]) * sizeof(*nc));
		o->hcount[cls] = nc;
		o->n_hcount[cls] = n;
	}
	if (d < 0 && !o->hcount[cls][id])
		return 0;
	o->hcount[cls][id] += (uint32_t)d;
	return o->hcount[cls][id];
}

static uint32_t new_id(struct cap_out *o, struct ofile *f, int cls, uint32_t handle)
{
	uint32_t id = o->next_id[cls]++;

	if (hmap_put(&f->map[cls], handle, id))
		o->st.unknown_handles++;
	hcount_add(o, cls, id, 1);
	return id;
}

/* PRIME_HANDLE_TO_FD / SYNCOBJ_HANDLE_TO_FD: remember what the fd names */
static void note_export(struct cap_out *o, struct ofile *f, int cls, uint32_t handle, int fd)
{
	uint32_t id = hmap_get(&f->map[cls], handle);

	if (!id || fd < 0)
		return;
	if (o->n_exp == o->cap_exp) {
		uint32_t n = o->cap_exp ? o->cap_exp * 2 : 64;
		struct export *ne = realloc(o->exp, n * sizeof(*ne));

		if (!ne)
			return;
		o->exp = ne;
		o->cap_exp = n;
	}
	o->exp[o->n_exp] = (struct export){f->serial, id};
	if (!hmap_put(&o->exports[cls], (uint32_t)fd, ++o->n_exp))
		return;
	o->n_exp--;
}

/*
 * An import of an fd that another DRM file of this process exported names
 * the same object: the new handle becomes one more name of the same id and
 * nothing is written. Returns true when that was the case.
 */
static bool import_alias(struct cap_out *o, struct ofile *f, int cls, uint32_t handle, int fd)
{
	uint32_t k = fd >= 0 ? hmap_get(&o->exports[cls], (uint32_t)fd) : 0;
	uint32_t id;

	if (!k)
		return false;
	id = o->exp[k - 1].id;
	if (!hcount_add(o, cls, id, 0))
		return false; /* the exported object is gone */
	if (hmap_put(&f->map[cls], handle, id))
		return false;
	hcount_add(o, cls, id, 1);
	return true;
}

/* a handle of @id goes away; true when it was the last name of the object */
static bool last_handle(struct cap_out *o, struct ofile *f, int cls, uint32_t handle, uint32_t id)
{
	hmap_del(&f->map[cls], handle);
	return hcount_add(o, cls, id, -1) == 0;
}

/* an id for a handle that must exist; unknown handles get a fresh id (counted) */
static uint32_t use_id(struct cap_out *o, struct ofile *f, int cls, uint32_t handle)
{
	uint32_t id = hmap_get(&f->map[cls], handle);

	if (id)
		return id;
	o->st.unknown_handles++;
	return new_id(o, f, cls, handle);
}

static void render_vm_create(struct cap_strbuf *sb, const struct vmb_op *op, uint64_t kernel_range,
			     uint64_t va_range_default)
{
	cap_sb_printf(sb, "{\"op\":\"vm_create\",\"vm\":%u", op->u.vm_create.vm);
	if (op->u.vm_create.va_start)
		put_hex(sb, "va_start", op->u.vm_create.va_start);
	if (op->u.vm_create.va_range && op->u.vm_create.va_range != va_range_default)
		put_hex(sb, "va_range", op->u.vm_create.va_range);
	if (kernel_range) {
		put_hex(sb, "kernel_start", op->u.vm_create.kernel_start);
		put_hex(sb, "kernel_range", kernel_range);
	}
	put_flags(sb, vm_flag_names, op->u.vm_create.flags);
}

static void render_tail(struct cap_strbuf *sb, const struct cap_rec *r)
{
	put_u64(sb, "t", r->t_enter);
	if (r->tid)
		put_u64(sb, "tid", r->tid);
	if (r->ret) {
		sb_key(sb, "ret");
		sb_int(sb, r->ret);
	}
	put_u64(sb, "x_seq", r->seq);
	put_u64(sb, "x_dur", r->t_exit - r->t_enter);
	if (r->flags & CAP_REC_F_SYNTH)
		cap_sb_puts(sb, ",\"x_synth\":true");
	if (r->flags & CAP_REC_F_USER_FENCE)
		cap_sb_puts(sb, ",\"x_user_fence\":true");
	if (r->flags & CAP_REC_F_FENCE_FD)
		cap_sb_puts(sb, ",\"x_fence_fd\":true");
	if (r->flags & CAP_REC_F_DEPS)
		cap_sb_puts(sb, ",\"x_fence_deps\":true");
	if (r->flags & CAP_REC_F_SYNC_BIND)
		cap_sb_puts(sb, ",\"x_sync_bind\":true");
	SB_LIT(sb, "}\n");
}

/*
 * The end of an op the capturer adds itself (x_synth): the time and thread
 * of the record that needs it, so that times never go backwards on a thread
 * (records of different threads are written in completion order).
 */
static void synth_tail(struct cap_strbuf *sb, const struct cap_rec *r)
{
	cap_sb_printf(sb, ",\"t\":%" PRIu64, r->t_enter);
	if (r->tid)
		cap_sb_printf(sb, ",\"tid\":%" PRIu32, r->tid);
	cap_sb_puts(sb, ",\"x_synth\":true}\n");
}

/* the implicit VM of a file, created (and rendered) on first use */
static uint32_t implicit_vm(struct cap_out *o, struct ofile *f, const struct cap_rec *r,
			    struct cap_strbuf *sb)
{
	if (f->implicit_vm)
		return f->implicit_vm;
	f->implicit_vm = o->next_id[VMB_CLASS_VM]++;

	struct vmb_op op = {.kind = VMB_OP_VM_CREATE};

	op.u.vm_create.vm = f->implicit_vm;
	/*
	 * An msm file that uses its VM without enabling VM_BIND first is a
	 * legacy one: the kernel maps each submit's BO table itself.
	 */
	if (f->driver == VMB_DRIVER_MSM)
		op.u.vm_create.flags |= VMB_VM_F_IMPLICIT_VA;
	render_vm_create(sb, &op, 0, 0);
	synth_tail(sb, r);
	o->st.ops[VMB_OP_VM_CREATE]++;
	o->st.ops_total++;
	return f->implicit_vm;
}

static uint32_t vm_id(struct cap_out *o, struct ofile *f, const struct cap_rec *r, uint32_t h,
		      struct cap_strbuf *sb)
{
	if (h == CAP_IMPLICIT_VM)
		return implicit_vm(o, f, r, sb);
	return use_id(o, f, VMB_CLASS_VM, h);
}

/* the queue of a submit; a queue the program never created (msm's default
 * queue 0, a channel from before VM_INIT) is created here */
static uint32_t submit_queue(struct cap_out *o, struct ofile *f, const struct cap_rec *r,
			     uint32_t h, struct cap_strbuf *sb)
{
	uint32_t id = hmap_get(&f->map[VMB_CLASS_QUEUE], h);

	if (id)
		return id;
	uint32_t vm = implicit_vm(o, f, r, sb);

	id = new_id(o, f, VMB_CLASS_QUEUE, h);
	cap_sb_printf(sb, "{\"op\":\"queue_create\",\"queue\":%u,\"vm\":%u,\"engine\":\"render\"",
		      id, vm);
	synth_tail(sb, r);
	o->st.ops[VMB_OP_QUEUE_CREATE]++;
	o->st.ops_total++;
	return id;
}

/* per syncobj id: how it was declared and what has been seen */
#define SO_TIMELINE (1u << 0)
#define SO_USED (1u << 1)
#define SO_SIGNALED (1u << 2)

static void so_note(struct cap_out *o, uint32_t id, uint8_t flags)
{
	if (id >= o->n_so) {
		uint32_t n = id + 64;
		uint8_t *nf = realloc(o->so_flags, n);
		uint64_t *np = realloc(o->so_last, n * sizeof(*np));

		if (nf)
			o->so_flags = nf;
		if (np)
			o->so_last = np;
		if (!nf || !np)
			return;
		memset(o->so_flags + o->n_so, 0, n - o->n_so);
		memset(o->so_last + o->n_so, 0, (n - o->n_so) * sizeof(*np));
		o->n_so = n;
	}
	o->so_flags[id] = flags;
	o->so_last[id] = 0;
}

/*
 * Turn the syncs of @r from kernel handles into trace ids, before the op's
 * line is started. The trace format types a syncobj as binary or timeline
 * at creation; the kernel does not. The creation is typed by look-ahead
 * (used_as_timeline()); when the first use comes only in a later flush and
 * carries a point, the syncobj is created anew as a timeline (x_synth, the
 * handle now names the new id), which is exact because it was never used.
 * Later mismatches (rare: a binary wait on a timeline) use the last point
 * seen, or drop the sync; both are counted in the header (syncobj_fixups).
 */
static void __translate_syncs(struct cap_out *o, struct ofile *f, struct cap_rec *r,
			      struct cap_strbuf *sb, bool zero_ok)
{
	struct vmb_sync *s = cap_rec_syncs(r);

	for (uint32_t i = 0; i < r->n_syncs; i++) {
		uint32_t id = use_id(o, f, VMB_CLASS_SYNCOBJ, s[i].syncobj);
		uint8_t fl = id < o->n_so ? o->so_flags[id] : 0;

		if (id >= o->n_so) {
			so_note(o, id, SO_USED | (s[i].point ? SO_TIMELINE : 0));
			fl = id < o->n_so ? o->so_flags[id] : 0;
		}
		if (s[i].point && !(fl & SO_TIMELINE)) {
			bool sig = fl & SO_SIGNALED;

			if (fl & SO_USED)
				o->st.syncobj_fixups++;
			id = new_id(o, f, VMB_CLASS_SYNCOBJ, s[i].syncobj);
			cap_sb_printf(
			    sb, "{\"op\":\"syncobj_create\",\"syncobj\":%u,\"timeline\":true%s", id,
			    sig ? ",\"signaled\":true" : "");
			synth_tail(sb, r);
			o->st.ops[VMB_OP_SYNCOBJ_CREATE]++;
			o->st.ops_total++;
			so_note(o, id, SO_TIMELINE | (sig ? SO_SIGNALED : 0));
			fl = id < o->n_so ? o->so_flags[id] : 0;
		} else if (!s[i].point && (fl & SO_TIMELINE) && !zero_ok) {
			o->st.syncobj_fixups++;
			s[i].point = id < o->n_so ? o->so_last[id] : 0;
			if (!s[i].point) {
				s[i].syncobj = 0; /* dropped */
				continue;
			}
		}
		if (id < o->n_so) {
			o->so_flags[id] |= SO_USED;
			if (s[i].point > o->so_last[id])
				o->so_last[id] = s[i].point;
		}
		s[i].syncobj = id;
	}
}

static void translate_syncs(struct cap_out *o, struct ofile *f, struct cap_rec *r,
			    struct cap_strbuf *sb)
{
	__translate_syncs(o, f, r, sb, false);
}

/* syncs left after translate_syncs() dropped what cannot be expressed */
static uint32_t live_syncs(struct cap_rec *r)
{
	const struct vmb_sync *s = cap_rec_syncs(r);
	uint32_t n = 0;

	for (uint32_t i = 0; i < r->n_syncs; i++)
		n += s[i].syncobj != 0;
	return n;
}

/* syncs already translated by translate_syncs(); dropped ones have id 0 */
static void render_syncs(struct cap_strbuf *sb, const char *key, const struct vmb_sync *s,
			 uint32_t n, bool always)
{
	bool first = true;

	for (uint32_t i = 0; i < n; i++) {
		if (!s[i].syncobj)
			continue;
		if (first) {
			sb_key(sb, key);
			cap_sb_putc(sb, '[');
		}
		if (first)
			SB_LIT(sb, "{\"syncobj\":");
		else
			SB_LIT(sb, ",{\"syncobj\":");
		sb_dec(sb, s[i].syncobj);
		if (s[i].point)
			put_u64(sb, "point", s[i].point);
		cap_sb_putc(sb, '}');
		first = false;
	}
	if (!first)
		cap_sb_putc(sb, ']');
	else if (always)
		cap_sb_printf(sb, ",\"%s\":[]", key);
}

static void render_binds(struct cap_out *o, struct ofile *f, struct cap_strbuf *sb,
			 struct vmb_bind_entry *b, uint32_t n)
{
	uint64_t addr;

	cap_sb_puts(sb, ",\"binds\":[");
	for (uint32_t i = 0; i < n; i++) {
		const char *kind = vmb_bind_kind_name(b[i].kind);

		cap_sb_puts(sb, i ? ",{\"kind\":\"" : "{\"kind\":\"");
		cap_sb_puts(sb, kind ? kind : "?");
		cap_sb_putc(sb, '"');
		switch (b[i].kind) {
		case VMB_BIND_MAP:
			if (uptr_addr(f, b[i].bo, &addr)) {
				/* a mapping of a userptr BO: map_userptr (kind written above) */
				sb->len -= strlen("map\"");
				cap_sb_puts(sb, "map_userptr\"");
				put_hex(sb, "va", b[i].va);
				put_hex(sb, "range", b[i].range);
				put_hex(sb, "addr", addr + b[i].offset);
				put_flags(sb, bind_flag_names, b[i].flags);
				break;
			}
			put_hex(sb, "va", b[i].va);
			put_hex(sb, "range", b[i].range);
			put_u64(sb, "bo", use_id(o, f, VMB_CLASS_BO, b[i].bo));
			put_hex(sb, "offset", b[i].offset);
			put_flags(sb, bind_flag_names, b[i].flags);
			if (b[i].hw)
				put_u64(sb, "hw", b[i].hw);
			break;
		case VMB_BIND_MAP_NULL:
		case VMB_BIND_UNMAP:
			put_hex(sb, "va", b[i].va);
			put_hex(sb, "range", b[i].range);
			if (b[i].kind == VMB_BIND_MAP_NULL)
				put_flags(sb, bind_flag_names, b[i].flags);
			break;
		case VMB_BIND_MAP_USERPTR:
			put_hex(sb, "va", b[i].va);
			put_hex(sb, "range", b[i].range);
			put_hex(sb, "addr", b[i].offset);
			put_flags(sb, bind_flag_names, b[i].flags);
			if (b[i].hw)
				put_u64(sb, "hw", b[i].hw);
			break;
		case VMB_BIND_UNMAP_ALL:
			cap_sb_printf(sb, ",\"bo\":%u", use_id(o, f, VMB_CLASS_BO, b[i].bo));
			break;
		case VMB_BIND_PREFETCH:
			put_hex(sb, "va", b[i].va);
			put_hex(sb, "range", b[i].range);
			put_u64(sb, "region", b[i].offset);
			break;
		}
		cap_sb_putc(sb, '}');
	}
	cap_sb_putc(sb, ']');
}

/* what a later record does with the syncobj a creation record made */
enum new_so_use {
	NEW_SO_NONE,	  /* nothing */
	NEW_SO_DESTROYED, /* destroys it */
	NEW_SO_BINARY,	  /* waits on or signals it, without a point */
	NEW_SO_POINT,	  /* waits on or signals a point of it */
};

static enum new_so_use new_so_use(const struct cap_rec *r, const struct cap_rec *x)
{
	uint32_t h = r->op.u.syncobj.syncobj;
	enum new_so_use use = NEW_SO_NONE;
	const struct vmb_sync *s;

	if (x->file != r->file || x->kind != CAP_REC_OP)
		return NEW_SO_NONE;
	if (x->op.kind == VMB_OP_SYNCOBJ_DESTROY && x->op.u.syncobj.syncobj == h)
		return NEW_SO_DESTROYED;
	s = cap_rec_syncs((struct cap_rec *)x);
	for (uint32_t k = 0; k < x->n_syncs; k++) {
		if (s[k].syncobj != h)
			continue;
		if (s[k].point)
			return NEW_SO_POINT;
		use = NEW_SO_BINARY;
	}
	return use;
}

/* does a later record (before the syncobj is destroyed) use it with a point? */
static bool used_as_timeline(const struct cap_rec *r, struct cap_rec *const *next, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum new_so_use use = new_so_use(r, next[i]);

		if (use == NEW_SO_DESTROYED)
			return false;
		if (use == NEW_SO_POINT)
			return true;
	}
	return false;
}

/**
 * cap_out_decides() - does @x, a record later than @r in sequence order,
 * use or destroy the syncobj @r creates (which decides its type)?
 */
bool cap_out_decides(const struct cap_rec *r, const struct cap_rec *x)
{
	return new_so_use(r, x) != NEW_SO_NONE;
}

/**
 * cap_out_undecided() - is @r a new syncobj that nothing in the look-ahead
 * uses or destroys yet? Its binary/timeline type is then unknown, and the
 * writer holds it (and what follows) back for a while rather than guess.
 */
bool cap_out_undecided(const struct cap_rec *r, struct cap_rec *const *next, size_t n)
{
	if (!cap_out_creates_syncobj(r))
		return false;
	for (size_t i = 0; i < n; i++)
		if (cap_out_decides(r, next[i]))
			return false;
	return true;
}

/**
 * cap_out_render() - translate the handles of @r to ids and append its
 * line(s) to @sb: the op, preceded by any implicit object it needs first
 * @o: renderer
 * @r: the record (its syncs are rewritten in place)
 * @next: the records that follow in sequence order (look-ahead)
 * @n_next: how many
 * @sb: output
 */
void cap_out_render(struct cap_out *o, struct cap_rec *r, struct cap_rec *const *next,
		    size_t n_next, struct cap_strbuf *sb)
{
	struct ofile *f = ofile_get(o, r->file);
	struct vmb_op *op = &r->op;
	struct vmb_sync *syncs = cap_rec_syncs(r);
	uint32_t id, vm, q;
	uint64_t addr;

	if (!f) {
		sb->oom = true;
		return;
	}
	if (r->kind == CAP_REC_FILE_CLOSE) {
		/* the VM a file has implicitly ends with it, as it began: x_synth */
		if (f->implicit_vm) {
			cap_sb_printf(sb, "{\"op\":\"vm_destroy\",\"vm\":%u,\"x_seq\":%" PRIu64,
				      f->implicit_vm, r->seq);
			synth_tail(sb, r);
			o->st.ops[VMB_OP_VM_DESTROY]++;
			o->st.ops_total++;
		}
		/* its handles die with it; objects named elsewhere live on */
		for (int cls = 0; cls < 4; cls++)
			for (uint32_t i = 0; i < f->map[cls].cap; i++)
				if (f->map[cls].keys[i] && f->map[cls].vals[i])
					hcount_add(o, cls, f->map[cls].vals[i], -1);
		ofile_drop(o, r->file);
		return;
	}
	if (r->kind == CAP_REC_EXPORT) {
		if (op->kind == VMB_OP_BO_CREATE)
			note_export(o, f, VMB_CLASS_BO, op->u.bo.bo, (int)r->aux);
		else
			note_export(o, f, VMB_CLASS_SYNCOBJ, op->u.syncobj.syncobj, (int)r->aux);
		return;
	}
	if (r->driver && !f->driver)
		f->driver = (enum vmb_driver)r->driver;
	if (f->driver)
		o->st.drivers_seen |= 1u << f->driver;

	switch (op->kind) {
	case VMB_OP_VM_CREATE:
		if (op->u.vm_create.vm == CAP_IMPLICIT_VM) {
			if (f->implicit_vm) /* VM_INIT after implicit use: keep one VM */
				return;
			f->implicit_vm = id = o->next_id[VMB_CLASS_VM]++;
		} else {
			id = new_id(o, f, VMB_CLASS_VM, op->u.vm_create.vm);
		}
		op->u.vm_create.vm = id;
		render_vm_create(sb, op, r->aux, 0);
		break;
	case VMB_OP_VM_DESTROY:
		id = vm_id(o, f, r, op->u.vm_destroy.vm, sb);
		cap_sb_printf(sb, "{\"op\":\"vm_destroy\",\"vm\":%u", id);
		if (!r->ret)
			hmap_del(&f->map[VMB_CLASS_VM], op->u.vm_destroy.vm);
		break;
	case VMB_OP_QUEUE_CREATE:
		vm = vm_id(o, f, r, op->u.queue.vm, sb);
		id = new_id(o, f, VMB_CLASS_QUEUE, op->u.queue.queue);
		cap_sb_printf(sb,
			      "{\"op\":\"queue_create\",\"queue\":%u,\"vm\":%u,\"engine\":\"%s\"",
			      id, vm, vmb_engine_name(op->u.queue.engine));
		break;
	case VMB_OP_QUEUE_DESTROY:
		if (!hmap_get(&f->map[VMB_CLASS_QUEUE], op->u.queue.queue) && r->ret)
			return;
		id = use_id(o, f, VMB_CLASS_QUEUE, op->u.queue.queue);
		cap_sb_printf(sb, "{\"op\":\"queue_destroy\",\"queue\":%u", id);
		if (!r->ret)
			hmap_del(&f->map[VMB_CLASS_QUEUE], op->u.queue.queue);
		break;
	case VMB_OP_BO_CREATE:
		if ((r->flags & CAP_REC_F_NEW_HANDLE) &&
		    (hmap_get(&f->map[VMB_CLASS_BO], op->u.bo.bo) ||
		     import_alias(o, f, VMB_CLASS_BO, op->u.bo.bo, (int)r->aux)))
			return; /* re-import, or a BO of another file of ours */
		if (op->u.bo.flags & VMB_BO_F_USERPTR_BACKED) {
			uptr_add(f, op->u.bo.bo, r->aux);
			return;
		}
		vm = op->u.bo.vm ? vm_id(o, f, r, op->u.bo.vm, sb) : 0;
		id = new_id(o, f, VMB_CLASS_BO, op->u.bo.bo);
		cap_sb_printf(sb, "{\"op\":\"bo_create\",\"bo\":%u", id);
		put_hex(sb, "size", op->u.bo.size);
		if (op->u.bo.placement)
			cap_sb_printf(sb, ",\"placement\":\"%s\"",
				      vmb_placement_name(op->u.bo.placement));
		if (vm)
			cap_sb_printf(sb, ",\"vm\":%u", vm);
		put_flags(sb, bo_flag_names, op->u.bo.flags);
		break;
	case VMB_OP_BO_CLOSE:
		if (uptr_addr(f, op->u.bo.bo, &addr)) {
			if (!r->ret)
				hmap_del(&f->uptr, op->u.bo.bo);
			return;
		}
		if (!hmap_get(&f->map[VMB_CLASS_BO], op->u.bo.bo) && r->ret)
			return; /* closing a handle that never existed */
		id = use_id(o, f, VMB_CLASS_BO, op->u.bo.bo);
		if (!r->ret && !last_handle(o, f, VMB_CLASS_BO, op->u.bo.bo, id))
			return; /* another file still names the BO */
		cap_sb_printf(sb, "{\"op\":\"bo_close\",\"bo\":%u", id);
		break;
	case VMB_OP_SYNCOBJ_CREATE:
		if ((r->flags & CAP_REC_F_NEW_HANDLE) &&
		    (hmap_get(&f->map[VMB_CLASS_SYNCOBJ], op->u.syncobj.syncobj) ||
		     import_alias(o, f, VMB_CLASS_SYNCOBJ, op->u.syncobj.syncobj, (int)r->aux)))
			return;
		if (used_as_timeline(r, next, n_next))
			op->u.syncobj.timeline = true;
		id = new_id(o, f, VMB_CLASS_SYNCOBJ, op->u.syncobj.syncobj);
		so_note(o, id,
			(op->u.syncobj.timeline ? SO_TIMELINE : 0) |
			    (op->u.syncobj.signaled ? SO_SIGNALED : 0));
		cap_sb_printf(sb, "{\"op\":\"syncobj_create\",\"syncobj\":%u", id);
		if (op->u.syncobj.timeline)
			cap_sb_puts(sb, ",\"timeline\":true");
		if (op->u.syncobj.signaled)
			cap_sb_puts(sb, ",\"signaled\":true");
		break;
	case VMB_OP_SYNCOBJ_DESTROY:
		if (!hmap_get(&f->map[VMB_CLASS_SYNCOBJ], op->u.syncobj.syncobj) && r->ret)
			return; /* destroying a handle that never existed */
		id = use_id(o, f, VMB_CLASS_SYNCOBJ, op->u.syncobj.syncobj);
		if (!r->ret && !last_handle(o, f, VMB_CLASS_SYNCOBJ, op->u.syncobj.syncobj, id))
			return;
		cap_sb_printf(sb, "{\"op\":\"syncobj_destroy\",\"syncobj\":%u", id);
		break;
	case VMB_OP_BIND: {
		/* resolve every id first: an implicit VM line must precede this op */
		vm = vm_id(o, f, r, op->u.bind.vm, sb);
		q = op->u.bind.queue ? use_id(o, f, VMB_CLASS_QUEUE, op->u.bind.queue) : 0;
		translate_syncs(o, f, r, sb);
		SB_LIT(sb, "{\"op\":\"bind\",\"vm\":");
		sb_dec(sb, vm);
		if (q)
			put_u64(sb, "queue", q);
		render_binds(o, f, sb, cap_rec_binds(r), op->u.bind.n_binds);
		render_syncs(sb, "in", syncs, op->u.bind.n_in, false);
		render_syncs(sb, "out", syncs + op->u.bind.n_in, op->u.bind.n_out, false);
		break;
	}
	case VMB_OP_SUBMIT: {
		uint32_t *ids = cap_rec_ids(r);

		q = submit_queue(o, f, r, op->u.submit.queue, sb);
		translate_syncs(o, f, r, sb);
		SB_LIT(sb, "{\"op\":\"submit\",\"queue\":");
		sb_dec(sb, q);
		if (op->u.submit.n_bos) {
			bool first = true;

			cap_sb_puts(sb, ",\"bos\":[");
			for (uint32_t i = 0; i < op->u.submit.n_bos; i++) {
				if (uptr_addr(f, ids[i], &addr))
					continue; /* userptr: not a BO in the trace */
				if (!first)
					cap_sb_putc(sb, ',');
				sb_dec(sb, use_id(o, f, VMB_CLASS_BO, ids[i]));
				first = false;
			}
			cap_sb_putc(sb, ']');
		}
		render_syncs(sb, "in", syncs, op->u.submit.n_in, false);
		render_syncs(sb, "out", syncs + op->u.submit.n_in, op->u.submit.n_out, false);
		if (op->u.submit.gpu_ns)
			put_u64(sb, "gpu_ns", op->u.submit.gpu_ns);
		break;
	}
	case VMB_OP_WAIT:
		translate_syncs(o, f, r, sb);
		if (!live_syncs(r))
			return;
		SB_LIT(sb, "{\"op\":\"wait\"");
		render_syncs(sb, "syncs", syncs, op->u.wait.n, true);
		if (!op->u.wait.all)
			cap_sb_puts(sb, ",\"all\":false");
		if (op->u.wait.timeout_ns != UINT64_MAX)
			put_u64(sb, "timeout_ns", op->u.wait.timeout_ns);
		break;
	case VMB_OP_SIGNAL:
		translate_syncs(o, f, r, sb);
		if (!live_syncs(r))
			return;
		SB_LIT(sb, "{\"op\":\"signal\"");
		render_syncs(sb, "syncs", syncs, op->u.wait.n, true);
		break;
	case VMB_OP_TRANSFER:
		/* point 0 names the fence itself, on a timeline too (drm_syncobj_find_fence) */
		__translate_syncs(o, f, r, sb, true);
		cap_sb_printf(sb, "{\"op\":\"transfer\",\"src\":%u", syncs[0].syncobj);
		if (syncs[0].point)
			put_u64(sb, "src_point", syncs[0].point);
		cap_sb_printf(sb, ",\"dst\":%u", syncs[1].syncobj);
		if (syncs[1].point)
			put_u64(sb, "dst_point", syncs[1].point);
		if (op->u.transfer.flags & VMB_TRANSFER_F_WAIT_FOR_SUBMIT)
			cap_sb_puts(sb, ",\"flags\":[\"wait_for_submit\"]");
		break;
	case VMB_OP_SYNCOBJ_RESET: {
		const uint32_t *ids = cap_rec_ids(r);

		cap_sb_puts(sb, "{\"op\":\"syncobj_reset\",\"syncobjs\":[");
		for (uint32_t i = 0; i < op->u.reset.n; i++) {
			if (i)
				cap_sb_putc(sb, ',');
			sb_dec(sb, use_id(o, f, VMB_CLASS_SYNCOBJ, ids[i]));
		}
		cap_sb_putc(sb, ']');
		break;
	}
	case VMB_OP_SYNC_FILE_EXPORT:
	case VMB_OP_SYNC_FILE_IMPORT:
		cap_sb_printf(sb, "{\"op\":\"%s\",\"syncobj\":%u", vmb_op_kind_name(op->kind),
			      use_id(o, f, VMB_CLASS_SYNCOBJ, op->u.sync_file.syncobj));
		if (op->u.sync_file.sync_file)
			put_u64(sb, "sync_file", op->u.sync_file.sync_file);
		break;
	case VMB_OP_CPU_UNMAP:
		cap_sb_puts(sb, "{\"op\":\"cpu_unmap\"");
		put_hex(sb, "addr", op->u.cpu_unmap.addr);
		put_hex(sb, "size", op->u.cpu_unmap.size);
		break;
	default:
		return;
	}
	o->st.ops[op->kind]++;
	o->st.ops_total++;
	if (r->ret)
		o->st.failed++;
	if (r->flags & CAP_REC_F_USER_FENCE)
		o->st.user_fence_ops++;
	if (r->flags & CAP_REC_F_FENCE_FD)
		o->st.fence_fd_ops++;
	if (r->flags & CAP_REC_F_DEPS)
		o->st.dep_ops++;
	render_tail(sb, r);
}
