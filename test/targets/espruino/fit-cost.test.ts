// The cost model and the JsVar estimate against the real interpreter's measurements saved in
// bench/espruino/cost-measurements.json (`npm run bench:espruino-fit -- --save FILE` writes them):
// the fit reproduces targets/espruino/cost.ts FITTED and memory.ts CODE_BLOCKS exactly, and every
// kernel's measured instructions per step and module blocks are within 10% of the model's, fitted,
// leave-one-model-out and held out. The sandbox features are computed here, so a change to the
// generators or the model that breaks the calibration fails this test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FITTED } from '../../../targets/espruino/cost';
import { CODE_BLOCKS } from '../../../targets/espruino/memory';
import { KernelMeasurement, KernelSample, fitSpecs, heldOutSpecs, kernelLabel } from '../../../bench/espruino/cost-kernels';
import { MAX_RESIDUAL, leaveOneModelOut, memoryResidual, samples } from '../../../bench/espruino/fit-cost';
import { fitCodeBlocks, fitCoefficients, residual } from '../../../bench/espruino/fit';

const K = 10;
const ROOT = path.resolve(__dirname, '..', '..', '..');
const measured = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'espruino', 'cost-measurements.json'), 'utf8')) as KernelMeasurement[];
// Golden vectors added after the measurement (input_extremes, the pooled reservoirs) have no
// measured kernels yet: they are held out only once measured (npm run bench:espruino-fit -- --save).
const measuredLabels = new Set(measured.map(kernelLabel));
const heldOut = heldOutSpecs(K, path.join(ROOT, 'test', 'vectors')).filter((s) => measuredLabels.has(kernelLabel(s)));
const all: KernelSample[] = samples([...fitSpecs(K), ...heldOut], measured, K);
const fit = all.filter((k) => k.set === 'fit');
const held = all.filter((k) => k.set === 'held-out');

/** Labels of the kernels past the bound, with their residual. */
function outside(rows: { k: KernelSample; residual: number }[]): string[] {
  return rows.filter((r) => Math.abs(r.residual) > MAX_RESIDUAL).map((r) => `${kernelLabel(r.k)} ${r.residual.toFixed(3)}`);
}

describe('cost model fitted to the real interpreter', () => {
  test('the measurements cover every benchmark model in both layouts, both weight modes and both kernels, and the held-out golden kernels', () => {
    expect(fit).toHaveLength(64);
    expect(new Set(fit.map((k) => `${k.layout} ${k.weights} ${k.kernel}`)).size).toBe(8);
    expect(held.length).toBeGreaterThanOrEqual(90);
  });

  test('the fit reproduces FITTED exactly', () => {
    expect(fitCoefficients(fit)).toEqual({ ...FITTED });
  });

  test('every benchmark kernel within 10%: fitted and leave-one-model-out', () => {
    expect(outside(fit.map((k) => ({ k, residual: residual(k, FITTED) })))).toEqual([]);
    expect(outside(leaveOneModelOut(fit))).toEqual([]);
  });

  test('every held-out golden kernel within 10%', () => {
    expect(outside(held.map((k) => ({ k, residual: residual(k, FITTED) })))).toEqual([]);
  });
});

describe('JsVar estimate against process.memory().usage on the real interpreter', () => {
  test('the code term reproduces CODE_BLOCKS exactly', () => {
    expect(fitCodeBlocks(fit)).toEqual({ ...CODE_BLOCKS });
  });

  test('every kernel (benchmark and held-out) within 10% after require() and after the steps', () => {
    expect(outside(all.map((k) => ({ k, residual: memoryResidual(k) })))).toEqual([]);
  });
});
