// C source of the echo state network reservoir generator: the same xorshift32 stream and the
// same int8 weights as compiler/core/spec/reservoir.ts (`esn_seed_state`, `xorshift32`, `esn_generate`),
// so a device can regenerate the reservoir from its seed instead of storing it in flash.
// Only unsigned 32-bit shifts, xor, and, and a remainder by 255: exact on every C99 compiler.

/** The generator as C99 source: static functions, to be included in a generated model file. */
export function esnGeneratorC(): string {
  return `/* ESN reservoir generator: the contract is stated in tinyrnn compiler/core/spec/reservoir.ts. */
static uint32_t esn_seed_state(uint32_t seed) {
  uint32_t s = seed ^ 0x9e3779b9u;
  return s != 0u ? s : 0x6d2b79f5u;
}

static uint32_t xorshift32(uint32_t x) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

/* w (H, H) recurrent weights, then win (H, I) input weights, row-major, one draw each. */
static void esn_generate(int8_t *w, int8_t *win, int32_t H, int32_t I, uint32_t density_q16, uint32_t seed) {
  uint32_t x = esn_seed_state(seed);
  int32_t k;
  for (k = 0; k < H * H; k++) {
    x = xorshift32(x);
    w[k] = (x & 0xffffu) < density_q16 ? (int8_t)((int32_t)((x >> 16) % 255u) - 127) : (int8_t)0;
  }
  for (k = 0; k < H * I; k++) {
    x = xorshift32(x);
    win[k] = (int8_t)((int32_t)((x >> 16) % 255u) - 127);
  }
}
`;
}
