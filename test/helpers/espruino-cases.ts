// Which golden vectors the Espruino target (module, native kernel, simulator, real interpreter)
// runs: every case except those with a liquid state machine, which the target refuses with EMIT003
// (it has no liquid kernel yet; test/compiler/layers/lsm.test.ts checks the refusal). The C target
// runs every case.
export function espruinoRuns(m: { layers: readonly { kind: string }[] }): boolean {
  return !m.layers.some((l) => l.kind === 'lsm');
}
