// The sweeps' samples (test/helpers/sweep.ts): bounded, reproducible, holding what must always run,
// different per sweep, and everything in the long run.
import { FULL_SWEEP, SWEEP_SEED, sweepOffset, sweepSample } from './sweep';

const ITEMS = Array.from({ length: 40 }, (_, i) => `case${i}`);

test('a sample has the count asked for, the items that always run, in their order, the same each time', () => {
  const a = sweepSample(ITEMS, 6, 'one sweep', ['case0', 'case39']);
  if (FULL_SWEEP) return expect(a).toEqual(ITEMS);
  expect(a).toHaveLength(6);
  expect(a).toEqual(expect.arrayContaining(['case0', 'case39']));
  expect(a).toEqual(ITEMS.filter((x) => a.includes(x)));
  expect(sweepSample(ITEMS, 6, 'one sweep', ['case0', 'case39'])).toEqual(a);
});

test('sweeps with other names draw other samples; asking for all of them (or more) gives all', () => {
  if (!FULL_SWEEP) {
    const draws = new Set(Array.from({ length: 8 }, (_, k) => sweepSample(ITEMS, 5, `sweep ${k}`).join()));
    expect(draws.size).toBeGreaterThan(1);
  }
  expect(sweepSample(ITEMS, 40, 'all')).toEqual(ITEMS);
  expect(sweepSample(ITEMS, 99, 'more')).toEqual(ITEMS);
});

test('an item to run always that is not in the sweep is refused', () => {
  expect(() => sweepSample(ITEMS, 3, 'bad', ['nope'])).toThrow('sweep bad: nope is not one of its items');
});

test('offsets are in range and reproducible; the seed is a non-negative integer', () => {
  const o = Array.from({ length: 20 }, (_, k) => sweepOffset(4, `offset ${k}`));
  for (const x of o) expect([0, 1, 2, 3]).toContain(x);
  expect(Array.from({ length: 20 }, (_, k) => sweepOffset(4, `offset ${k}`))).toEqual(o);
  expect(Number.isSafeInteger(SWEEP_SEED) && SWEEP_SEED >= 0).toBe(true);
});
