// The sensor driver of a simulated device: turns what the sensor delivered (floats in model
// units, possibly NaN, infinite or far out of range after a fault) into the raw integers the
// device code is fed (quantisation spec section 4).
//
//  - finite values: the reference host helper `rawInput` (round(x * rawPerUnit)), then clamped to
//    the spec's raw range |r| <= 2^30 (a sensor value beyond it is a glitch; the device's input
//    stage then saturates it to int8 as for any large value);
//  - NaN (a failed conversion): the feature's offset, i.e. the normalisation mean in whole raw
//    units, which the input stage maps to real 0 (within the offset's fraction of a raw unit,
//    input.bias, when the model keeps one): "no information" rather than an arbitrary extreme.
// Every engine receives exactly these integers, so the device code sees the same sample as the oracle.
//
// Legend: T steps, F features.

import { QuantModel } from '../../compiler/core/ir/quant-model';
import { RAW_INPUT_MAX } from '../../compiler/core/spec/spec';
import { rawInput } from '../../compiler/core/reference';

/** Raw integer sample for one delivered float sample (F). */
export function sampleToRaw(m: QuantModel, x: ArrayLike<number>, out: Int32Array = new Int32Array(m.inputSize)): Int32Array {
  const r = rawInput(m, x);
  for (let f = 0; f < m.inputSize; f++) {
    const v = r[f];
    out[f] = Number.isNaN(v) ? m.input.offset[f] : v > RAW_INPUT_MAX ? RAW_INPUT_MAX : v < -RAW_INPUT_MAX ? -RAW_INPUT_MAX : v;
  }
  return out;
}

/** Raw integers for a stream of T samples, (T, F) -> (T, F). */
export function samplesToRaw(m: QuantModel, x: Float32Array, T: number): Int32Array {
  const F = m.inputSize;
  const out = new Int32Array(T * F);
  for (let t = 0; t < T; t++) sampleToRaw(m, x.subarray(t * F, (t + 1) * F), out.subarray(t * F, (t + 1) * F));
  return out;
}
