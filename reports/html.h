/* SPDX-License-Identifier: MIT */
/*
 * html.h - small helpers for the static dashboard pages: escaping, the
 * shared page head (inline CSS, no JavaScript) and number formatting.
 */
#ifndef VMB_HTML_H
#define VMB_HTML_H

#include <stdio.h>

/**
 * vmb_html_esc() - write @s to @f with &, <, >, " escaped and the control
 * characters XML forbids left out (HTML pages and JUnit XML alike)
 */
void vmb_html_esc(FILE *f, const char *s);

/** vmb_html_head() - DOCTYPE, <head> with @title and the style sheet, <body> */
void vmb_html_head(FILE *f, const char *title);

/** vmb_html_foot() - closing footer and tags */
void vmb_html_foot(FILE *f, const char *generated);

/**
 * vmb_fmt_ns() - a duration for humans: "812 ns", "18.30 us", "4.120 ms",
 * "1.250 s"; "-" for a negative value (absent)
 */
const char *vmb_fmt_ns(double ns, char *buf, size_t len);

/** vmb_fmt_count() - an integer count, "-" for a negative value (absent) */
const char *vmb_fmt_count(double v, char *buf, size_t len);

/** vmb_fmt_bytes() - bytes as "12.0 MiB" etc., "-" for negative */
const char *vmb_fmt_bytes(double v, char *buf, size_t len);

#endif /* VMB_HTML_H */
