// What a golden-vector case is (the float model, its calibration and its raw test sequences): shared
// by the case lists of the kinds (compiler/layers/<kind>/golden.ts) and of golden.ts.
import { FloatModel } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';

export interface GoldenCase {
  name: string;
  description: string;
  model: FloatModel;
  /** Calibration sequences in model input units (N)(T)(F). */
  calib: number[][][];
  /** Raw integer test sequences (N)(T)(F). */
  sequences: (q: QuantModel) => number[][][];
  rawPerUnit?: number;
}
