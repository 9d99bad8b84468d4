// Golden-vector cases of the liquid state machine: small liquid classifiers on builtin:gestures,
// one whose readout reads the traces' means over 3 segments (a pool layer) and one reading the
// last step's traces directly (liquid -> dense); the second test sequence of each runs two
// windows back to back.

import { parseReadout } from '../../esn/esn';
import { readoutGoldenCase } from '../../../runtime/vectors/readout-case';
import { GoldenCase } from '../../../runtime/vectors/case';
import { lsmFloatModel, searchLsm } from './fit';

function liquidCase(name: string, units: number, readout: string, description: string): GoldenCase {
  return readoutGoldenCase(name, description, (data) => {
    const options = { units, fanOut: 4, seed: 5, tauMem: 4, tauTrace: 4, inputScaling: 8, synScaling: 0.5, readout: parseReadout(readout) };
    return lsmFloatModel(searchLsm(data, options, { val: 0.2, test: 0 }, 1), data, name);
  });
}

export function lsmGoldenCases(): GoldenCase[] {
  return [
    liquidCase(
      'lsm_pool_seg3_n16',
      16,
      'seg3',
      'liquid state machine classifier on builtin:gestures: 16 spiking neurons (3 inhibitory, 4 regenerated synapses each), readout of the trace means over 3 segments of the 20-step window (pool); the second sequence runs 40 steps',
    ),
    liquidCase(
      'lsm_last_n12',
      12,
      'last',
      'liquid state machine classifier on builtin:gestures: 12 spiking neurons, readout of the last step traces (liquid -> dense, no pool); the second sequence runs 40 steps',
    ),
  ];
}
