// The tinyrnn int8 quantisation spec: its version and the fixed formats it names.
// The full text is docs/quantization.md; this file holds the constants the code shares with it.
// Every generated file stamps QUANT_SPEC_VERSION into its banner; a QuantModel records the
// version it was made for, and the reference kernels refuse a model made for another one.

/** Version of the integer arithmetic. Bump on ANY change that can alter one output bit. */
export const QUANT_SPEC_VERSION = 1;

/** Gate pre-activations are int16 Q3.12: real value = q / 2^12, range [-8, 8). */
export const PRE_FRAC_BITS = 12;
/** Gate outputs (sigmoid/tanh results) and the GRU state are int16 Q0.15: real = q / 2^15. */
export const GATE_FRAC_BITS = 15;
/** The value 1.0 in Q0.15 (not representable in int16; used only inside products as 32768 - z). */
export const Q15_ONE = 32768;

/** Activation tables: TABLE_SIZE entries for |x| in Q3.12 at steps of 2^TABLE_STEP_BITS, i.e. [0, 8]. */
export const TABLE_STEP_BITS = 7;
export const TABLE_SIZE = 257;

/** Requantisation multiplier M is in [0, MULT_MAX] (a Q15 mantissa); shift s in [0, SHIFT_MAX]. */
export const MULT_MAX = 32767;
export const SHIFT_MAX = 46;

/** Largest magnitude of any int32 intermediate the quantiser admits (accumulators, requantised sums). */
export const INT32_MAX = 2147483647;
/** Every product in the kernels stays below 2^47 (checked at quantisation); JS doubles are exact below 2^53. */
export const PRODUCT_LIMIT = 2 ** 47;

/** Raw model inputs (integers fed by the host or sensor) must satisfy |r| <= RAW_INPUT_MAX. */
export const RAW_INPUT_MAX = 2 ** 30;
/**
 * The input stage's offset satisfies |offset| <= RAW_OFFSET_MAX = 2^30 - 1, so r - offset stays
 * within int32 (|r - offset| <= 2^31 - 1) for every valid r (docs/quantization.md section 4).
 */
export const RAW_OFFSET_MAX = RAW_INPUT_MAX - 1;
/**
 * The input stage's optional fractional offset (input.bias, in units of the product (r - offset) * m)
 * satisfies |bias| <= INPUT_BIAS_MAX = 2^15 - 1 (one raw unit at the largest multiplier), so
 * |(r - offset) * m + bias| <= (2^31 - 1) * 32767 + 32767 < 2^46 (docs/quantization.md section 6).
 */
export const INPUT_BIAS_MAX = 32767;

/** Storage of the model's output vector: int8 between layers, int16 for the last layer. */
export const OUTPUT_TYPES = ['s8', 's16'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];
