/* SPDX-License-Identifier: MIT */
/*
 * plots.h - gnuplot figures for the dashboard: each figure is a data file
 * and a script in the output directory, rendered by gnuplot to PNG
 * (pngcairo) and SVG so the HTML can show one and link the other.
 */
#ifndef VMB_PLOTS_H
#define VMB_PLOTS_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct vmb_plot_opts - axes and labels of a figure
 * @title: figure title (plain text, no gnuplot markup)
 * @xlabel, @ylabel: axis labels
 * @logx, @logy: logarithmic axes
 * @xtime: x values are seconds since the epoch (trend plots)
 * @note: small text under the title (e.g. "simulated model time"), or NULL
 * @width: canvas width in pixels, 0 for the default (960); bar charts with
 *     many clusters widen themselves
 * @yrange: gnuplot range for y ("[0:1]"), or NULL for autoscale
 * @colors: for bar charts, one "#rrggbb" per column (so a strategy has the
 *     same colour in every figure), or NULL for gnuplot's sequence
 */
struct vmb_plot_opts {
	const char *title, *xlabel, *ylabel;
	bool logx, logy, xtime;
	const char *note;
	int width;
	const char *yrange;
	const char *const *colors;
};

/**
 * struct vmb_plot_line - one data series of an x/y figure
 * @title: legend entry
 * @x, @y: coordinates, @n of them
 * @style: gnuplot "with" clause ("lines", "steps", "points pt 7", ...)
 * @color: "#rrggbb" for the series, or NULL for gnuplot's sequence (a style
 *     that sets "lc" itself wins)
 */
struct vmb_plot_line {
	const char *title;
	const double *x, *y;
	size_t n;
	const char *style;
	const char *color;
};

/**
 * vmb_plot_xy() - write NAME.dat and NAME.gp for an x/y figure in @dir
 * @dir: output directory
 * @name: file stem
 * @o: labels and axes
 * @lines, @n: the series (empty ones are left out)
 *
 * Return: 0, -ENODATA when every series is empty, or -errno.
 */
int vmb_plot_xy(const char *dir, const char *name, const struct vmb_plot_opts *o,
		const struct vmb_plot_line *lines, size_t n);

/**
 * vmb_plot_bars() - write a clustered bar chart: one cluster per row, one
 * bar per column
 * @dir, @name, @o: as for vmb_plot_xy()
 * @rows, @nrows: cluster labels
 * @cols, @ncols: bar labels (legend)
 * @v: values, row-major (@nrows * @ncols); NAN leaves a bar out
 *
 * Return: 0 or -errno.
 */
int vmb_plot_bars(const char *dir, const char *name, const struct vmb_plot_opts *o,
		  const char *const *rows, size_t nrows, const char *const *cols, size_t ncols,
		  const double *v);

/**
 * vmb_plot_render() - run gnuplot on @dir/NAME.gp (in @dir) and check that
 * NAME.png and NAME.svg were written and are non-empty
 * @gnuplot: the gnuplot command (looked up on PATH)
 * @dir: directory of the script
 * @name: file stem
 * @err, @errlen: message on failure
 *
 * Return: 0 or -errno.
 */
int vmb_plot_render(const char *gnuplot, const char *dir, const char *name, char *err,
		    size_t errlen);

/**
 * vmb_plot_render_many() - run one gnuplot over several figures' scripts
 * (each script starts with "reset", so they do not leak settings)
 * @gnuplot: the gnuplot command
 * @dir: directory of the scripts
 * @names, @n: file stems
 *
 * Figures whose outputs are missing afterwards are not reported here; call
 * vmb_plot_render() on them for a message.
 *
 * Return: 0 or -errno when gnuplot could not be run at all.
 */
int vmb_plot_render_many(const char *gnuplot, const char *dir, const char *const *names, size_t n);

/** vmb_plot_rendered() - NAME.png and NAME.svg exist in @dir and are non-empty */
bool vmb_plot_rendered(const char *dir, const char *name);

#endif /* VMB_PLOTS_H */
