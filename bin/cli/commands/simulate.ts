// `tinyrnn simulate`: run the device code on simulated boards, sample by sample, against the
// reference kernels; timing against the sample clock, memory against the board, faults, fleets.
import * as path from 'node:path';
import { Command, Io, choice, emit, flag, num, requireStr, str } from '../command';
import { ENGINE_NAMES, DeviceResult, SimulationReport } from '../../../runtime/sim/types';
import { simulate } from '../../../runtime/sim/simulate';
import { saturationTable } from '../../../compiler/quant/saturation';

function fmtTime(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return 'n/a';
  if (s >= 1) return `${s.toFixed(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(3)} ms`;
  return `${(s * 1e6).toFixed(1)} us`;
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

/** The text report (what --json prints as data). */
export function simulationText(r: SimulationReport, io: Io): string {
  const f = r.fleet;
  const d0: DeviceResult | undefined = r.devices[0];
  const lines: string[] = [];
  lines.push(
    `${path.relative(io.cwd, r.model.file) || r.model.file}: ${r.model.name} on ${r.board.name} (${r.board.core}, ${r.board.clockMHz} MHz), ${r.engine} engine`,
  );
  lines.push(`  engine:   ${r.engineDetail}`);
  lines.push(
    `  stream:   ${r.data} at ${r.rateHz} Hz (period ${fmtTime(1 / r.rateHz)}); ${f.devices} device${f.devices > 1 ? `s on ${f.workers ? `${f.workers} worker thread${f.workers === 1 ? '' : 's'} and the main thread` : 'the main thread'}` : ''}, ${f.steps} steps`,
  );
  lines.push(
    `  memory:   RAM ${r.memory.ramBytes} B of ${r.memory.ramLimit} (${pct(r.memory.ramBytes / r.memory.ramLimit)}), flash ${r.memory.flashBytes} B of ${r.memory.flashLimit} (${pct(r.memory.flashBytes / r.memory.flashLimit)}) [${r.memory.source}]`,
  );
  const compared = r.devices.reduce((s, d) => s + d.parity.compared, 0);
  if (f.parityMismatches === 0) lines.push(`  parity:   identical to the reference kernels (${compared} output values)`);
  else {
    const bad = r.devices.find((d) => d.parity.mismatches > 0) as DeviceResult;
    const p = bad.parity.first;
    lines.push(
      `  parity:   DIFFERS from the reference: ${f.parityMismatches} of ${compared} values on ${f.devicesWithMismatches} devices; first: device ${bad.device} step ${p?.step} out[${p?.index}]: got ${p?.got}, want ${p?.want}`,
    );
  }
  if (f.accuracy.rate !== null)
    lines.push(
      `  accuracy: ${pct(f.accuracy.rate)} (${f.accuracy.correct}/${f.accuracy.total})${f.devices > 1 ? `, per device ${pct(f.accuracyMin)}..${pct(f.accuracyMax)}` : ''}`,
    );
  if (f.error)
    lines.push(
      `  error:    MAE ${f.error.mae.toPrecision(4)}, RMSE ${f.error.rmse.toPrecision(4)} over ${f.error.n} answers (real units, against the data's targets)`,
    );
  if (d0?.timing) {
    const t = d0.timing;
    lines.push(
      `  time:     ${fmtTime(f.stepMean)} per step (worst ${fmtTime(f.stepMax)}) against ${fmtTime(1 / r.rateHz)}: ${pct(t.utilization)} busy, max ${t.maxRateHz.toFixed(1)} Hz [${d0.costSource}${d0.cyclesPerStep !== null ? `, ${Math.round(d0.cyclesPerStep)} cycles/step` : ''}]`,
    );
    lines.push(
      `  deadline: ${f.misses === 0 ? 'no misses' : `${f.misses} MISSED of ${f.steps} steps${f.devices > 1 ? ` (${f.devicesWithMisses} devices)` : ''}; worst latency ${fmtTime(t.maxLatency)}, backlog up to ${t.maxBacklog} samples`}`,
    );
  }
  if (d0?.energy)
    lines.push(
      `  energy:   ${d0.energy.perInferenceUj.toPrecision(3)} uJ per inference at ${r.board.activeCurrentmA} mA; inference draws ${d0.energy.inferenceCurrentmA.toPrecision(3)} mA on average, ${d0.energy.perHourJ.toPrecision(3)} J per hour`,
    );
  if (r.faults.length) {
    const c = f.faultCounts;
    const happened =
      Object.entries(c)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ') || 'none occurred';
    lines.push(
      `  faults:   ${r.faults.join(' ')}: ${happened}; ${f.changedPredictions} predictions changed vs the fault-free stream; ${f.survived}/${f.devices} devices kept running`,
    );
    const rec = d0?.faults?.recovery ?? [];
    if (rec.length)
      lines.push(
        `            after reset${rec.length > 1 ? 's' : ''}: ${rec.map((x) => `@${x.reset} ${x.steps === null ? 'not recovered' : `recovered in ${x.steps} steps`}`).join(', ')}`,
      );
  }
  lines.push(...saturationTable(r.saturation));
  for (const n of r.notes) lines.push(`  note:     ${n}`);
  return lines.join('\n');
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'run the device code on simulated boards: parity, time per step, memory, energy, faults, fleets',
  usage:
    'tinyrnn simulate MODEL.q.tnn --board NAME --data FILE|builtin:NAME [--rate HZ] [--engine js|c|qemu|reference] [--kernel native|unrolled|loop] [--devices N] [--fault F]... [--report out.html] [--json]',
  description: [
    'Streams the data sample by sample at the sample rate through the code that would run on the device',
    "(js: the emitted Espruino module in the Espruino sandbox with the board's JsVar limit; c: the emitted C",
    "compiled for this machine; qemu: the emitted C cross-compiled for the board's core under QEMU), and",
    'checks every output against the reference kernels. Faults: dropout:P, nan:P, inf:P, range:P, jitter:2ms,',
    'reset:@K (repeatable). Exit status 1 when the device code differs from the reference, misses deadlines or',
    'does not fit.',
  ].join('\n'),
  options: {
    board: { type: 'string', short: 'b', arg: 'NAME', help: 'board profile (targets/boards): PUCKJS, NRF52840, STM32F411, ...' },
    data: { type: 'string', short: 'd', arg: 'FILE|builtin:NAME', help: 'sensor data: a JSON/CSV file or builtin:gestures[?n=..&seed=..]' },
    rate: { type: 'string', short: 'r', arg: 'HZ', help: "sample rate (default: the model's, else the data's)" },
    engine: { type: 'string', short: 'e', arg: 'NAME', help: `device code to run: ${ENGINE_NAMES.join(', ')} (default: js on Espruino boards, c elsewhere)` },
    devices: { type: 'string', short: 'n', arg: 'N', help: 'simulate N devices concurrently, each on its own stream (default 1)' },
    workers: { type: 'string', arg: 'N', help: 'worker threads for a fleet, besides the main thread (default: cores - 1; 0: none)' },
    windows: { type: 'string', arg: 'K', help: 'recordings per device (default: all)' },
    fault: { type: 'string', short: 'f', arg: 'SPEC', multiple: true, help: 'inject a fault: dropout:P nan:P inf:P range:P jitter:D reset:@K|P' },
    seed: { type: 'string', arg: 'N', help: 'seed of the fault patterns (default 1)' },
    report: { type: 'string', arg: 'FILE.html', help: 'write the HTML report with plots (viewable offline)' },
    sanitize: { type: 'boolean', help: 'c engine: build the device code with the undefined-behaviour and address sanitizers' },
    kernel: {
      type: 'string',
      arg: 'native|unrolled|loop',
      help: 'js engine: the Espruino kernel, as compile --kernel (default: native on Cortex-M3/M4 boards when arm-none-eabi-gcc and qemu-system-arm are installed)',
    },
    json: { type: 'boolean', help: 'machine-readable report' },
  },
  positionals: [1, 1],
  examples: [
    'tinyrnn simulate gestures.q.tnn --board PUCKJS --data builtin:gestures?n=60 --report sim.html',
    'tinyrnn simulate gestures.q.tnn --board STM32F411 --engine qemu --data builtin:gestures?n=12 --rate 100',
    'tinyrnn simulate gestures.q.tnn --board NRF52840 --data builtin:gestures?n=6 --devices 100 --fault dropout:0.05 --fault reset:@120',
  ],
  async run(values, [file], io) {
    const board = requireStr(values, 'board', 'NAME (a board profile, e.g. PUCKJS or STM32F411)');
    const data = requireStr(values, 'data', 'FILE|builtin:NAME');
    const faults = (values.fault as string[] | undefined) ?? [];
    const report = str(values, 'report');
    const r = await simulate({
      modelFile: file,
      board,
      data,
      rateHz: num(values, 'rate', { min: 1e-6 }),
      engine: choice(values, 'engine', ENGINE_NAMES),
      devices: num(values, 'devices', { int: true, min: 1, max: 100000 }),
      workers: num(values, 'workers', { int: true, min: 0, max: 256 }),
      windows: num(values, 'windows', { int: true, min: 1 }),
      seed: num(values, 'seed', { int: true, min: 0, max: 4294967295 }),
      faults,
      reportFile: report,
      sanitize: flag(values, 'sanitize'),
      kernel: choice(values, 'kernel', ['native', 'unrolled', 'loop'] as const),
      cwd: io.cwd,
    });
    emit(
      io,
      flag(values, 'json'),
      { ...r, report: report ? path.resolve(io.cwd, report) : null },
      () => simulationText(r, io) + (report ? `\nwrote ${report}` : ''),
    );
    const f = r.fleet;
    return f.parityMismatches === 0 && f.misses === 0 && f.survived === f.devices ? 0 : 1;
  },
};
