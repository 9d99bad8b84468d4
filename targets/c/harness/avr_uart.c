/*
 * tinyrnn test harness for 8-bit AVR under simavr: stdout goes to UART0, which simavr prints.
 *
 * Linked with -Wl,--wrap=main: avr-libc's start-up calls __wrap_main (below), which fills the
 * free RAM between the end of .bss and the stack with a pattern, sets up stdout and Timer1, runs
 * the program's own main (__real_main), and then prints
 *   EXIT <main's return value> STACK <bytes of stack used at most> FREE <bytes never touched>
 * (FREE 0: the stack reached .bss, so the program did not fit), or RESTART when the program
 * started again after a crash. Then it waits for the UART to
 * drain and sleeps with interrupts off, which ends the simulation.
 *
 * simavr prints UART output line by line on its stderr, in colour, with every control character
 * (the newline too) shown as '.', and splits long lines: so each '\n' is sent as "|\n", and
 * the reader (targets/c/avr.ts) joins the pieces and turns "|." back into a line break.
 *
 * tinyrnn_cycles(): CPU cycles since start-up (Timer1 at the CPU clock, prescaler 1, plus 65536 per
 * overflow), exact in simulation; for measuring a step.
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdint.h>
#include <stdio.h>

#define TINYRNN_PAINT 0xc5

int __real_main(void);
int __wrap_main(void);
uint32_t tinyrnn_cycles(void);

extern uint8_t __heap_start;
static volatile uint16_t overflows;
/* Not cleared at start-up: set on the first start, so a restart (a crash that jumps to the reset
   vector, e.g. a stack that ran into .data) is reported instead of running again. */
static uint16_t started __attribute__((section(".noinit")));

ISR(TIMER1_OVF_vect) { overflows++; }

uint32_t tinyrnn_cycles(void) {
  uint16_t lo, hi;
  uint8_t sreg = SREG;
  cli();
  lo = TCNT1;
  hi = overflows;
  if ((TIFR1 & (1 << TOV1)) && lo < 0x8000u) hi++; /* an overflow not yet served */
  SREG = sreg;
  return ((uint32_t)hi << 16) | lo;
}

static void uart_byte(uint8_t c) {
  while (!(UCSR0A & (1 << UDRE0))) {
  }
  UDR0 = c;
}

static int uart_put(char c, FILE *f) {
  (void)f;
  if (c == '\n') uart_byte('|');
  uart_byte((uint8_t)c);
  return 0;
}

static FILE uart_out = FDEV_SETUP_STREAM(uart_put, NULL, _FDEV_SETUP_WRITE);

/* Fill the free RAM below the stack pointer (keeping 32 bytes for this function's frame). */
static void paint(void) {
  uint8_t *p = &__heap_start;
  uint8_t *top = (uint8_t *)SP - 32;
  while (p < top) *p++ = TINYRNN_PAINT;
}

/* Bytes between the end of .bss and the lowest address the stack ever reached. */
static uint16_t untouched(void) {
  const uint8_t *p = &__heap_start;
  while (p <= (const uint8_t *)RAMEND && *p == TINYRNN_PAINT) p++;
  return (uint16_t)(p - &__heap_start);
}

/* Wait for the UART to finish, then sleep with interrupts off: simavr ends the simulation. */
static void stop(void) {
  while (!(UCSR0A & (1 << TXC0))) {
  }
  SMCR = (uint8_t)((1 << SM1) | (1 << SE)); /* power-down, sleep enabled (avr-libc's macros trip -Wconversion) */
  cli();
  sleep_cpu();
}

int __wrap_main(void) {
  int r = 125;
  uint16_t free_bytes;
  UCSR0B = (1 << TXEN0);
  stdout = &uart_out;
  if (started == 0x5a17u) {
    printf("RESTART\n");
    stop();
  }
  started = 0x5a17u;
  paint();
  TCCR1A = 0;
  TCCR1B = (1 << CS10);
  TIMSK1 = (1 << TOIE1);
  sei();
  r = __real_main();
  free_bytes = untouched();
  printf("EXIT %d STACK %u FREE %u\n", r, (unsigned)(RAMEND + 1 - (uint16_t)&__heap_start - free_bytes), (unsigned)free_bytes);
  stop();
  return r;
}
