#!/bin/sh
# extract.sh TARBALL DIR - unpack the few kernel files bench_gpuvm_kernel
# compiles (drm_gpuvm.c, lib/rbtree.c and their rbtree / interval-tree /
# drm_gpuvm headers) from Debian's linux-source tarball into DIR.
# Nothing from the kernel is kept in the repository.
set -e
tar="$1"
dir="$2"
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
tar -xJf "$tar" -C "$dir.tmp" --strip-components=1 --wildcards \
	'*/drivers/gpu/drm/drm_gpuvm.c' '*/include/drm/drm_gpuvm.h' \
	'*/include/linux/interval_tree_generic.h' '*/include/linux/rbtree.h' \
	'*/include/linux/rbtree_types.h' '*/include/linux/rbtree_augmented.h' \
	'*/lib/rbtree.c'
rm -rf "$dir"
mv "$dir.tmp" "$dir"
