/*
 * tinyrnn native kernel for Espruino: the C target's step (m.c, generated with the prefix "m") behind
 * one entry point that E.nativeCall calls as "int(int,int)". Built by targets/espruino/native/build.ts
 * into a position-independent blob that calls nothing outside itself: no libc (memset and memcpy,
 * which gcc may emit for struct copies and zeroing, are defined here), no writable globals, every
 * constant reached PC-relative. It is built without -ffreestanding on purpose: that flag turns the
 * kernels' 4-byte __builtin-able memcpy loads into calls (about 3x the instructions of an LSTM
 * step); the definitions below keep gcc from turning their own loops back into calls. The JS module owns the stream state and the I/O block and passes
 * their addresses.
 *
 *   int32_t tinyrnn_native(int32_t state, int32_t io)
 *
 * state: m_state_t, 4-aligned. io: int32 words, 4-aligned; io[0] is the operation:
 *   0 reset   m_reset(state)                                               returns 0
 *   1 step    raw io[1..F], outputs written to io[1+F .. 1+F+O)           returns 0, -2 if not streaming
 *   2 run     io[1] = T steps, raw io[2 .. 2+T*F), outputs io[2+T*F ..) (T rows, or one of final states),
 *             then the work area of op 3's size                          returns 0 or m_run's error code
 *   3 work    bytes of the work area a run of io[1] steps needs           returns the size
 *   4 state   sizeof(m_state_t)                                            returns the size
 *   5 final   the final states m_final copies (a model with final states beside its output,
 *             M_FINAL_SIZE, m.h) written to io[1 .. 1+M_FINAL_SIZE)       returns M_FINAL_SIZE
 * Any other operation (5 too for a model without final states beside its output) returns -1.
 */
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)
#include "m.c"

void *memset(void *d, int c, size_t n) __attribute__((optimize("no-tree-loop-distribute-patterns")));
void *memset(void *d, int c, size_t n) {
  unsigned char *p = (unsigned char *)d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) __attribute__((optimize("no-tree-loop-distribute-patterns")));
void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *p = (unsigned char *)d;
  const unsigned char *q = (const unsigned char *)s;
  while (n--) *p++ = *q++;
  return d;
}

/* Rows of outputs m_run writes: one per step, or one row of final states (M_FINAL_OUTPUT, m.h). */
#ifdef M_FINAL_OUTPUT
#define OUTPUT_ROWS(steps) 1
#else
#define OUTPUT_ROWS(steps) (steps)
#endif

/* Bytes of m_output_t values for T steps, rounded up to 4 so the int16 work area that follows is aligned. */
static int32_t out_bytes(int32_t steps) {
  return (int32_t)(((uint32_t)steps * M_OUTPUT_SIZE * sizeof(m_output_t) + 3u) & ~3u);
}

static int32_t work_bytes(int32_t steps) {
  return out_bytes(steps) + (int32_t)(sizeof(int16_t) * (size_t)(M_RUN_WORK_SIZE(steps)));
}

static int32_t run(m_state_t *s, int32_t *io) {
  const int32_t steps = io[1];
  const int32_t *raw = io + 2;
  int32_t *out = io + 2 + steps * M_INPUT_SIZE;
  m_output_t *y = (m_output_t *)(void *)(out + steps * M_OUTPUT_SIZE);
  int16_t *work = (int16_t *)(void *)((unsigned char *)y + out_bytes(steps));
  int32_t i;
  const int r = m_run(s, raw, steps, y, work);
  if (r != M_OK) return (int32_t)r;
  for (i = 0; i < OUTPUT_ROWS(steps) * M_OUTPUT_SIZE; i++) out[i] = y[i];
  return 0;
}

static int32_t step(m_state_t *s, int32_t *io) {
#if M_STREAMING
  const m_output_t *y = m_step(s, io + 1);
  int32_t k;
  for (k = 0; k < M_OUTPUT_SIZE; k++) io[1 + M_INPUT_SIZE + k] = y[k];
  return 0;
#else
  (void)s;
  (void)io;
  return -2;
#endif
}

#ifdef M_FINAL_SIZE
/* The final states after op 2, or after op 1 for every step of a sequence from op 0: int16 widened to io's words. */
static int32_t final_states(const m_state_t *s, int32_t *io) {
  int16_t fin[M_FINAL_SIZE];
  int32_t k;
  m_final(s, fin);
  for (k = 0; k < M_FINAL_SIZE; k++) io[1 + k] = fin[k];
  return M_FINAL_SIZE;
}
#endif
#pragma GCC visibility pop

int32_t tinyrnn_native(int32_t state, int32_t io) __attribute__((section(".text.entry"), used, visibility("default")));
int32_t tinyrnn_native(int32_t state, int32_t io) {
  m_state_t *s = (m_state_t *)(uintptr_t)(uint32_t)state;
  int32_t *w = (int32_t *)(uintptr_t)(uint32_t)io;
  switch (w[0]) {
    case 0:
      m_reset(s);
      return 0;
    case 1:
      return step(s, w);
    case 2:
      return run(s, w);
    case 3:
      return work_bytes(w[1]);
    case 4:
      return (int32_t)sizeof(m_state_t);
#ifdef M_FINAL_SIZE
    case 5:
      return final_states(s, w);
#endif
    default:
      return -1;
  }
}
