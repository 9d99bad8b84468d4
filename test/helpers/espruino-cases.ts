// Which golden vectors the Espruino target (module, native kernel, simulator, real interpreter)
// runs: every case except those with a pool layer or a liquid state machine, which the target refuses
// with EMIT003 (it has no pool or liquid kernel yet; test/targets/espruino/emit-refusals.test.ts checks the refusal). The C target
// runs every case.
export function espruinoRuns(m: { layers: readonly { kind: string }[] }): boolean {
  return !m.layers.some((l) => l.kind === 'pool' || l.kind === 'lsm');
}
