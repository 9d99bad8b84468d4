// The Espruino benchmark's machinery (bench/espruino): both kernels (emitted and straightforward)
// give the reference's integers, and the cost model counts what they execute. The estimated
// ratio is deterministic (a count of operations, not a timing), so the >= 5x target is checked.
import { benchLight, benchModel } from '../../../bench/espruino/run';

describe('Espruino benchmark', () => {
  test.each([
    ['lstm', 8],
    ['gru', 8],
  ] as const)('%s hidden %i: both kernels exact; the emitted one at least 5x fewer estimated instructions', (kind, hidden) => {
    const r = benchModel(kind, hidden, 6);
    const G = kind === 'lstm' ? 4 : 3;
    // E.convolve: the recurrent dot product of every gate row and each head unit (the 3 inputs are
    // multiplied inline with literal weights).
    expect(r.emitted.nativeHelperCallsPerStep).toBe(G * hidden + 4);
    expect(r.naive.nativeHelperCallsPerStep).toBe(0);
    expect(r.ratio).toBeGreaterThanOrEqual(5);
    expect(r.boards.map((b) => b.board)).toEqual(['Puck.js', 'Bangle.js 2']);
  });

  test('the lighter families (Elman, Jordan) run exactly and cost fewer estimated instructions than the LSTM of the same width', () => {
    const lstm = benchModel('lstm', 8, 6).emitted.instructionsPerStep;
    for (const kind of ['elman', 'jordan'] as const) {
      const r = benchLight(kind, 8, 6); // countKernel throws if a step differs from the reference
      expect(r.emitted.instructionsPerStep).toBeGreaterThan(0);
      expect(r.emitted.instructionsPerStep).toBeLessThan(lstm);
    }
  });
});
