// Memory on the board: what the device code needs against what the board has.
//
// Each engine reports its own figures (the C target from the compiled sections, the Espruino
// target from JsVar blocks); for the reference engine, which has no device code, this file gives
// the floor every target must pay: the model's integers in flash and its state and scratch in RAM.
//
// Legend: F features, H hidden, G gates, O outputs, I layer input.

import { QuantModel, qLayerBytes, qLayerOutputSize, qLayerInputSize } from '../../compiler/core/ir/quant-model';
import { layerScratchBytes, layerStateBytes } from '../../compiler/layers/ir';
import { TinyrnnError, Diagnostic } from '../../compiler/core/ir/errors';
import { BoardProfile } from '../../targets/boards';
import { MemoryUse } from './types';

/** The model's own floor: integers in flash, state + the widest scratch + I/O buffers in RAM. */
export function modelMemoryFloor(m: QuantModel, board: BoardProfile): MemoryUse {
  const params = m.layers.reduce((s, l) => s + qLayerBytes(l), 0);
  const tables = 2 * (m.tables.sigmoid.length + m.tables.tanh.length);
  const input = m.inputSize * (4 + 4 + 4 + 4);
  const state = m.layers.reduce((s, l) => s + layerStateBytes(l), 0);
  const scratch = Math.max(0, ...m.layers.map(layerScratchBytes));
  const widest = Math.max(m.inputSize, ...m.layers.map((l) => Math.max(qLayerInputSize(l), qLayerOutputSize(l))));
  const io = 4 * m.inputSize + 2 * m.inputSize + widest + (m.outputType === 's16' ? 2 : 1) * m.outputSize;
  return {
    ramBytes: state + scratch + io,
    flashBytes: params + tables + input,
    ramLimit: board.ramBytes,
    flashLimit: board.flashBytes,
    source: 'the quantised model alone (parameters, tables, state, scratch): a floor, without code or runtime',
    parts: [
      { name: 'weights, biases, multipliers', kind: 'flash', bytes: params },
      { name: 'activation tables', kind: 'flash', bytes: tables },
      { name: 'input stage', kind: 'flash', bytes: input },
      { name: 'recurrent state', kind: 'ram', bytes: state },
      { name: 'scratch', kind: 'ram', bytes: scratch },
      { name: 'input/output buffers', kind: 'ram', bytes: io },
    ],
  };
}

/** Throws SIM001 (with both figures) when the device code does not fit the board. */
export function checkFits(mem: MemoryUse, board: BoardProfile, what: string): void {
  const problems: Diagnostic[] = [];
  const kb = (n: number): string => `${n} B (${(n / 1024).toFixed(1)} KB)`;
  if (mem.ramBytes > mem.ramLimit) {
    problems.push({
      code: 'SIM001',
      path: 'ram',
      message: `${what} needs ${kb(mem.ramBytes)} of RAM, ${board.name} has ${kb(mem.ramLimit)} (${mem.ramBytes - mem.ramLimit} B over)`,
      expected: `at most ${mem.ramLimit} B`,
      hint: `a smaller hidden size, fewer layers, or a board with more RAM (${mem.source})`,
    });
  }
  if (mem.flashBytes > mem.flashLimit) {
    problems.push({
      code: 'SIM001',
      path: 'flash',
      message: `${what} needs ${kb(mem.flashBytes)} of flash, ${board.name} has ${kb(mem.flashLimit)} (${mem.flashBytes - mem.flashLimit} B over)`,
      expected: `at most ${mem.flashLimit} B`,
      hint: `a smaller model or a board with more flash (${mem.source})`,
    });
  }
  if (problems.length) throw new TinyrnnError(problems);
}
