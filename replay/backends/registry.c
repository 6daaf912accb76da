// SPDX-License-Identifier: MIT
/*
 * registry.c - the static table of backends: the embedded model, the null
 * backend and the five real-kernel backends.
 */
#include <stddef.h>
#include <string.h>

#include "backend.h"
#include "backends/hw.h"

static const struct vmb_backend_ops *const registry[] = {
    &vmb_model_backend,	  &vmb_null_backend,	&vmb_xe_backend,  &vmb_amdgpu_backend,
    &vmb_nouveau_backend, &vmb_panthor_backend, &vmb_msm_backend,
};

#define N_BACKENDS (sizeof(registry) / sizeof(registry[0]))

/**
 * vmb_backend_find() - look a backend up by name
 * @name: "model", "null", "xe", "amdgpu", "nouveau", "panthor" or "msm"
 *
 * Return: the vtable, or NULL for an unknown name.
 */
const struct vmb_backend_ops *vmb_backend_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < N_BACKENDS; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

/**
 * vmb_backend_names() - the registered backend names
 *
 * Return: a NULL-terminated array, in registry order.
 */
const char *const *vmb_backend_names(void)
{
	static const char *names[N_BACKENDS + 1];
	size_t i;

	if (!names[0])
		for (i = 0; i < N_BACKENDS; i++)
			names[i] = registry[i]->name;
	return names;
}
