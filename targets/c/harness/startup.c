/*
 * tinyrnn test harness: minimal Cortex-M start-up for running C programs under QEMU with
 * semihosting (printf and the exit code go to the host through newlib's rdimon library).
 *
 * The vector table sits at address 0 (section .vectors, placed first by the linker scripts in
 * this folder): the initial stack pointer, then the reset handler. Every fault vector points at
 * fault_handler, which reports the fault over semihosting and ends the run with exit code 120,
 * so a crash ends the emulation instead of hanging it.
 *
 * The reset handler enables the FPU (CP10/CP11 full access in CPACR) only when the program is
 * built for hard float (__ARM_FP with the VFP calling convention); a soft-float build, as on a
 * Cortex-M0, never touches the FPU registers. Then it hands over to newlib's _start (crt0),
 * which sets up the stack and heap, clears .bss, runs constructors and calls main; main's return
 * value becomes QEMU's exit status.
 *
 * .data is placed with load address = run address: QEMU's ELF loader writes it straight into
 * RAM, so no copy loop is needed for emulation. (A real board would copy it from flash.)
 */
#include <stdint.h>

extern void _start(void);
extern uint32_t __stack_top;

void reset_handler(void);
void fault_handler(void);

/* Semihosting call: operation in r0, parameter block in r1, result in r0. */
static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void fault_handler(void) {
  static const char msg[] = "tinyrnn harness: CPU fault (HardFault or other exception)\n";
  semihost(0x04 /* SYS_WRITE0 */, msg);
  /* SYS_EXIT_EXTENDED: ADP_Stopped_ApplicationExit with exit code 120. */
  uint32_t block[2] = {0x20026u, 120u};
  semihost(0x20, block);
  for (;;) {
  }
}

void reset_handler(void) {
#if defined(__ARM_FP) && defined(__ARM_PCS_VFP)
  /* CPACR: full access to CP10 and CP11 (the FPU). */
  volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
  *cpacr |= (0xFu << 20);
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  _start();
  for (;;) {
  }
}

typedef void (*vector_fn)(void);

/* Initial SP, reset, NMI, HardFault, MemManage, BusFault, UsageFault, 4 reserved, SVCall,
   DebugMonitor, reserved, PendSV, SysTick. */
__attribute__((section(".vectors"), used)) const vector_fn vector_table[16] = {
    (vector_fn)(uintptr_t)&__stack_top,
    reset_handler,
    fault_handler,
    fault_handler,
    fault_handler,
    fault_handler,
    fault_handler,
    0,
    0,
    0,
    0,
    fault_handler,
    fault_handler,
    0,
    fault_handler,
    fault_handler,
};
