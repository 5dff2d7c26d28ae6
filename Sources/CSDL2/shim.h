// SDL2 for `saffron view` (Debian: libsdl2-dev). The viewer owns main(); SDL must not rename it.
#ifndef SAFFRON_CSDL2_SHIM_H
#define SAFFRON_CSDL2_SHIM_H
#define SDL_MAIN_HANDLED 1
#include <SDL2/SDL.h>

// Function-like macros Swift cannot import.
static inline int saffron_sdl_windowpos_centered(void) { return (int)SDL_WINDOWPOS_CENTERED; }
static inline int saffron_sdl_windowpos_undefined(void) { return (int)SDL_WINDOWPOS_UNDEFINED; }
#endif
