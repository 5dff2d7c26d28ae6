// The X11 client libraries SaffronX11 uses (Debian: libx11-dev libxext-dev libxdamage-dev
// libxfixes-dev libxtst-dev libxrandr-dev).
#ifndef SAFFRON_CX11_SHIM_H
#define SAFFRON_CX11_SHIM_H
#include <sys/ipc.h>
#include <sys/shm.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/XKBlib.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>
#include <X11/extensions/XTest.h>
#include <X11/extensions/Xrandr.h>

// Macros Swift cannot import.
static inline int cx11_connection_number(Display *d) { return ConnectionNumber(d); }
static inline Window cx11_default_root(Display *d) { return DefaultRootWindow(d); }
static inline int cx11_default_screen(Display *d) { return DefaultScreen(d); }
static inline Visual *cx11_default_visual(Display *d) { return DefaultVisual(d, DefaultScreen(d)); }
static inline int cx11_default_depth(Display *d) { return DefaultDepth(d, DefaultScreen(d)); }
static inline int cx11_display_width(Display *d) { return DisplayWidth(d, DefaultScreen(d)); }
static inline int cx11_display_height(Display *d) { return DisplayHeight(d, DefaultScreen(d)); }
static inline unsigned long cx11_all_planes(void) { return AllPlanes; }
static inline void *cx11_shmat_fail(void) { return (void *)-1; }
#endif
