// JavaScript source of the echo state network reservoir generator, in the dialect Espruino
// accepts: the same xorshift32 stream and int8 weights as compiler/core/spec/reservoir.ts
// (`esn_seed_state`, `xorshift32`, `esn_generate`). The state is kept as an int32 (the same 32
// bits as the uint32 of C and TypeScript): only `^`, `<<`, `>>>`, `&` and `%` on values below
// 2^32, no Math.imul, integer literals only, so Node and Espruino give the same integers.

/** The generator as Espruino-dialect JS (three function declarations). */
export function esnGeneratorJs(): string {
  return `function esn_seed_state(seed) {
  var s = seed ^ -1640531527;
  return s !== 0 ? s : 1831565813;
}
function xorshift32(x) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x;
}
function esn_generate(w, win, H, I, densityQ16, seed) {
  var x = esn_seed_state(seed);
  var k;
  for (k = 0; k < H * H; k++) {
    x = xorshift32(x);
    w[k] = (x & 65535) < densityQ16 ? ((x >>> 16) % 255) - 127 : 0;
  }
  for (k = 0; k < H * I; k++) {
    x = xorshift32(x);
    win[k] = ((x >>> 16) % 255) - 127;
  }
}
`;
}
