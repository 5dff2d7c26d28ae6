// Which instruction-set level the CPU (and the OS, for AVX state) supports, for picking code
// compiled for that level at run time. Header only: cpuid and xgetbv have no Swift spelling.
#ifndef SAFFRON_CCPUFEATURES_SHIM_H
#define SAFFRON_CCPUFEATURES_SHIM_H

#if defined(__x86_64__)
#include <cpuid.h>

// x86-64-v3 as LLVM's "haswell" CPU uses it: AVX, AVX2, BMI1, BMI2, LZCNT, MOVBE, FMA, F16C,
// POPCNT, SSE4.2, CMPXCHG16B, and the OS saving the YMM registers (XCR0 bits 1 and 2).
static inline int saffron_cpu_has_x86_64_v3(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned leaf1 = (1u << 12) | (1u << 13) | (1u << 20) | (1u << 22) | (1u << 23) | (1u << 27) | (1u << 28) | (1u << 29);
    if ((c & leaf1) != leaf1) return 0;  // FMA, CX16, SSE4.2, MOVBE, POPCNT, OSXSAVE, AVX, F16C
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned leaf7 = (1u << 3) | (1u << 5) | (1u << 8);
    if ((b & leaf7) != leaf7) return 0;  // BMI1, AVX2, BMI2
    if (!__get_cpuid(0x80000001, &a, &b, &c, &d)) return 0;
    return (c & (1u << 5)) != 0;  // LZCNT (ABM)
}
#else
static inline int saffron_cpu_has_x86_64_v3(void) { return 0; }
#endif

#endif
