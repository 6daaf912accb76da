/* SPDX-License-Identifier: MIT */
/*
 * backend_model.c - the `model` backend: replays a trace on the embedded
 * kernel model (the default on machines without a GPU). Times are
 * simulated by the model's cost model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

/* set by the CLI before open (--model-param) */
struct vmb_model_params vmb_model_backend_params;
static bool params_set;

/** vmb_model_backend_set_params() - cost model for the next runs */
void vmb_model_backend_set_params(const struct vmb_model_params *p)
{
	vmb_model_backend_params = *p;
	params_set = true;
}

static int model_open(struct vmb_backend *be, const struct vmb_trace *trace,
		      const struct vmb_strategy *strat, const char *device, char *err,
		      size_t errlen)
{
	struct vmb_model_config cfg = {
	    .driver = trace->driver,
	    .page_size = trace->page_size,
	    .strat = *strat,
	    .params = params_set ? vmb_model_backend_params : vmb_model_params_default,
	    .dump = be->dump,
	    .dump_vm = trace->max_id[VMB_CLASS_VM] > 1,
	};

	if (device) {
		snprintf(err, errlen, "the model backend takes no --device");
		return -EINVAL;
	}
	be->priv = vmb_model_create(&cfg);
	if (!be->priv) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static void model_close(struct vmb_backend *be)
{
	vmb_model_destroy(be->priv);
	be->priv = NULL;
}

static int model_exec(struct vmb_backend *be, const struct vmb_call *call, struct vmb_timing *tm)
{
	return vmb_model_exec(be->priv, call, tm);
}

static uint64_t model_now(struct vmb_backend *be)
{
	return vmb_model_now(be->priv);
}

static void model_advance(struct vmb_backend *be, uint64_t t)
{
	vmb_model_advance(be->priv, t);
}

static void model_counters(struct vmb_backend *be, struct vmb_counters *out)
{
	vmb_model_finish(be->priv);
	vmb_model_counters(be->priv, out);
}

/** vmb_model_backend_model() - the model behind a model backend instance */
struct vmb_model *vmb_model_backend_model(struct vmb_backend *be)
{
	return be->ops == &vmb_model_backend ? be->priv : NULL;
}

const struct vmb_backend_ops vmb_model_backend = {
    .name = "model",
    .open = model_open,
    .close = model_close,
    .exec = model_exec,
    .now = model_now,
    .advance = model_advance,
    .counters = model_counters,
    .simulated = true,
};
