// SPDX-License-Identifier: MIT
/*
 * egl_frames.c - a GLES client on EGL's surfaceless platform that renders
 * several frames, for tests/real-clients.sh and the
 * traces/real/egl-frames-*.jsonl captures.
 *
 * EGL_MESA_platform_surfaceless display, a GLES 3 context (GLES 2 if 3 is
 * refused) made current without a surface (EGL_KHR_surfaceless_context),
 * an FBO with a texture as its color buffer; per frame the vertex buffer
 * and a sampled texture are updated (glBufferSubData, glTexSubImage2D), a
 * textured triangle strip is drawn into the FBO, one pixel is read back
 * and glFinish waits for the GPU.
 *
 * Prints "GL_RENDERER: ...", "GL_VENDOR: ..." and exits 0; a failure exits
 * 1 with the failing step named. The GPU is whatever Mesa picks (over the
 * shim: its render node), so the pixel read back is not checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>

#define W 256
#define H 256
#define NFRAMES 10

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "egl_frames: %s failed (EGL 0x%x, GL 0x%x)\n", what, eglGetError(),
		glGetError());
	exit(1);
}

static GLuint shader(GLenum type, const char *src)
{
	GLuint s = glCreateShader(type);
	GLint ok = 0;

	glShaderSource(s, 1, &src, NULL);
	glCompileShader(s);
	glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		char log[512] = "";

		glGetShaderInfoLog(s, sizeof(log), NULL, log);
		fprintf(stderr, "egl_frames: shader: %s\n", log);
		exit(1);
	}
	return s;
}

int main(void)
{
	PFNEGLGETPLATFORMDISPLAYEXTPROC get_display =
	    (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
	const char *cext = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	EGLDisplay dpy;
	EGLint major, minor;

	if (!get_display || !cext || !strstr(cext, "EGL_MESA_platform_surfaceless")) {
		fprintf(stderr, "egl_frames: no EGL_MESA_platform_surfaceless\n");
		return 1;
	}
	dpy = get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
	if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, &major, &minor))
		die("eglInitialize");
	printf("EGL %d.%d, vendor %s\n", major, minor, eglQueryString(dpy, EGL_VENDOR));
	if (!strstr(eglQueryString(dpy, EGL_EXTENSIONS), "EGL_KHR_surfaceless_context"))
		die("EGL_KHR_surfaceless_context");
	if (!eglBindAPI(EGL_OPENGL_ES_API))
		die("eglBindAPI");

	static const EGLint cfg_attr[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES2_BIT, EGL_NONE};
	EGLConfig cfg = NULL;
	EGLint ncfg = 0;
	if (!eglChooseConfig(dpy, cfg_attr, &cfg, 1, &ncfg))
		die("eglChooseConfig");
	EGLint ctx3[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_NONE};
	EGLint ctx2[] = {EGL_CONTEXT_MAJOR_VERSION, 2, EGL_NONE};
	EGLContext ctx = eglCreateContext(dpy, ncfg ? cfg : NULL, EGL_NO_CONTEXT, ctx3);
	if (ctx == EGL_NO_CONTEXT)
		ctx = eglCreateContext(dpy, ncfg ? cfg : NULL, EGL_NO_CONTEXT, ctx2);
	if (ctx == EGL_NO_CONTEXT)
		die("eglCreateContext");
	if (!eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx))
		die("eglMakeCurrent");
	printf("GL_RENDERER: %s\n", (const char *)glGetString(GL_RENDERER));
	printf("GL_VENDOR: %s\n", (const char *)glGetString(GL_VENDOR));
	printf("GL_VERSION: %s\n", (const char *)glGetString(GL_VERSION));

	/* the render target: a texture attached to an FBO */
	GLuint rt, fbo, tex, vbo;
	glGenTextures(1, &rt);
	glBindTexture(GL_TEXTURE_2D, rt);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, W, H, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glGenFramebuffers(1, &fbo);
	glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rt, 0);
	if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
		die("glCheckFramebufferStatus");

	/* the sampled texture, rewritten every frame */
	static unsigned char texels[64 * 64 * 4];
	glGenTextures(1, &tex);
	glBindTexture(GL_TEXTURE_2D, tex);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, 64, 64, 0, GL_RGBA, GL_UNSIGNED_BYTE, texels);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);

	GLuint prog = glCreateProgram();
	glAttachShader(
	    prog,
	    shader(GL_VERTEX_SHADER,
		   "attribute vec2 pos;\n"
		   "varying vec2 uv;\n"
		   "void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }\n"));
	glAttachShader(prog, shader(GL_FRAGMENT_SHADER,
				    "precision mediump float;\n"
				    "varying vec2 uv;\n"
				    "uniform sampler2D t;\n"
				    "uniform float k;\n"
				    "void main() { gl_FragColor = texture2D(t, uv) * k; }\n"));
	glBindAttribLocation(prog, 0, "pos");
	glLinkProgram(prog);
	GLint linked = 0;
	glGetProgramiv(prog, GL_LINK_STATUS, &linked);
	if (!linked)
		die("glLinkProgram");
	glUseProgram(prog);
	glUniform1i(glGetUniformLocation(prog, "t"), 0);
	GLint k = glGetUniformLocation(prog, "k");

	glGenBuffers(1, &vbo);
	glBindBuffer(GL_ARRAY_BUFFER, vbo);
	glBufferData(GL_ARRAY_BUFFER, 8 * sizeof(float), NULL, GL_DYNAMIC_DRAW);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, NULL);
	glEnableVertexAttribArray(0);
	glViewport(0, 0, W, H);

	for (int f = 0; f < NFRAMES; f++) {
		float s = 0.5f + 0.05f * (float)f;
		float quad[8] = {-s, -s, s, -s, -s, s, s, s};
		unsigned char px[4];

		for (int i = 0; i < 64 * 64 * 4; i++)
			texels[i] = (unsigned char)(i * 7 + f * 31);
		glBufferSubData(GL_ARRAY_BUFFER, 0, sizeof(quad), quad);
		glBindTexture(GL_TEXTURE_2D, tex);
		glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, 64, 64, GL_RGBA, GL_UNSIGNED_BYTE, texels);
		glClearColor(0.1f * (float)f, 0.2f, 0.3f, 1.0f);
		glClear(GL_COLOR_BUFFER_BIT);
		glUniform1f(k, 1.0f - 0.05f * (float)f);
		glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
		glReadPixels(W / 2, H / 2, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
		glFinish();
		if (glGetError() != GL_NO_ERROR)
			die("frame");
		printf("frame %d: pixel %02x%02x%02x%02x\n", f, px[0], px[1], px[2], px[3]);
	}

	glDeleteBuffers(1, &vbo);
	glDeleteProgram(prog);
	glDeleteTextures(1, &tex);
	glDeleteFramebuffers(1, &fbo);
	glDeleteTextures(1, &rt);
	eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	eglDestroyContext(dpy, ctx);
	eglTerminate(dpy);
	printf("ok: %d frames\n", NFRAMES);
	return 0;
}
