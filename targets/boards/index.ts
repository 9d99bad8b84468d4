// Device profiles as data: one JSON file per board in this folder, loaded and validated here.
//
// Common fields describe the microcontroller (every target uses them: C and Espruino); the optional
// `espruino` section describes what the Espruino interpreter on that board offers. A plain
// microcontroller profile for the C target simply has no `espruino` section.
//
// Diagnostic codes: BOARD001 unknown board, BOARD002 unreadable file, BOARD1xx invalid profile.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Diagnostic, DiagnosticCode, TinyrnnError } from '../../compiler/core/ir/errors';
import { packageRoot } from '../../compiler/core/util/version';

export const CORES = [
  'cortex-m0',
  'cortex-m0plus',
  'cortex-m3',
  'cortex-m4',
  'cortex-m4f',
  'cortex-m7',
  'cortex-m33',
  'xtensa-lx6',
  'xtensa-lx7',
  'riscv32',
  'avr',
] as const;
export type Core = (typeof CORES)[number];

export const ESPRUINO_FAMILIES = ['puck', 'bangle', 'generic'] as const;
/** Which example app fits the board: puck (Puck.accelOn stream), bangle (Bangle 'accel' events), generic (no sensor). */
export type EspruinoFamily = (typeof ESPRUINO_FAMILIES)[number];

export interface EspruinoAccelerometer {
  /** The API the example app uses, for the report. */
  api: string;
  /** Raw units per 1 g as the firmware reports them (Puck.js: raw LSM6DS3 counts; Bangle.js: g). */
  unitsPerG: number;
  /** Sample rates the sensor supports, Hz. */
  rateHz: number[];
}

export interface EspruinoProfile {
  /** process.env.BOARD as the firmware reports it (checked when flashing). */
  board: string;
  family: EspruinoFamily;
  /** Number of JsVars (memory blocks) the firmware allocates. */
  variables: number;
  /** Bytes per JsVar block (12, 13, 14 or 16, from the variable count). */
  blockSize: number;
  /** True when Storage lives in memory-mapped internal flash (readArrayBuffer points into flash, no RAM copy). */
  storageMapped: boolean;
  /** Bytes of the Storage area (an upper bound; `flash` asks the board for its real free space). */
  storageBytes: number;
  /** Native helpers the build has (E.convolve, E.mapInPlace, ...). */
  helpers: string[];
  accelerometer?: EspruinoAccelerometer;
}

export interface BoardProfile {
  /** Stable id used on the command line (case-insensitive), e.g. PUCKJS. */
  id: string;
  name: string;
  /** Other names accepted on the command line. */
  aliases: string[];
  chip: string;
  core: Core;
  clockMHz: number;
  ramBytes: number;
  flashBytes: number;
  /** External SPI flash, when the board has it. */
  externalFlashBytes?: number;
  fpu: boolean;
  /** DSP (SIMD multiply-accumulate) instructions. */
  dsp: boolean;
  /** Active current of the core at clockMHz running from flash, as its datasheet publishes it. */
  activeCurrentmA?: number;
  /** Where activeCurrentmA comes from: the datasheet, its version and the condition quoted. Required with activeCurrentmA on boards for the C target. */
  currentSource?: string;
  /** Supply voltage the current figure is given at, V (energy estimates: E = I * V * t). */
  supplyV?: number;
  sensors: string[];
  espruino?: EspruinoProfile;
}

export function boardsDir(): string {
  return path.join(packageRoot(), 'targets', 'boards');
}

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Checks a parsed profile; returns every problem found (empty when valid). */
export function boardProblems(raw: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bad = (p: string, message: string, value: unknown, expected: string, code: DiagnosticCode = 'BOARD101'): void => {
    out.push({ code, path: p, message, value, expected });
  };
  if (!isObj(raw)) {
    bad('', 'profile is not an object', raw, 'a JSON object', 'BOARD100');
    return out;
  }
  const str = (k: string, pattern?: RegExp): void => {
    const v = raw[k];
    if (typeof v !== 'string' || v.length === 0) bad(k, `${k} is missing or not a string`, v, 'a non-empty string');
    else if (pattern && !pattern.test(v)) bad(k, `${k} has a bad form`, v, `to match ${pattern}`);
  };
  const posInt = (o: Obj, k: string, p: string, optional = false): void => {
    const v = o[k];
    if (v === undefined && optional) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) bad(p, `${k} must be a positive integer`, v, 'an integer > 0', 'BOARD102');
  };
  const posNum = (o: Obj, k: string, p: string, optional = false): void => {
    const v = o[k];
    if (v === undefined && optional) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) bad(p, `${k} must be a positive number`, v, 'a number > 0', 'BOARD102');
  };
  const bool = (o: Obj, k: string, p: string): void => {
    if (typeof o[k] !== 'boolean') bad(p, `${k} must be true or false`, o[k], 'a boolean', 'BOARD103');
  };
  const strList = (o: Obj, k: string, p: string): void => {
    const v = o[k];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) bad(p, `${k} must be a list of strings`, v, 'an array of strings', 'BOARD104');
  };
  str('id', /^[A-Z][A-Z0-9_]*$/);
  str('name');
  str('chip');
  strList(raw, 'aliases', 'aliases');
  if (!(CORES as readonly unknown[]).includes(raw.core)) bad('core', 'unknown core', raw.core, `one of ${CORES.join(', ')}`, 'BOARD105');
  posNum(raw, 'clockMHz', 'clockMHz');
  posInt(raw, 'ramBytes', 'ramBytes');
  posInt(raw, 'flashBytes', 'flashBytes');
  posInt(raw, 'externalFlashBytes', 'externalFlashBytes', true);
  bool(raw, 'fpu', 'fpu');
  bool(raw, 'dsp', 'dsp');
  posNum(raw, 'activeCurrentmA', 'activeCurrentmA', true);
  posNum(raw, 'supplyV', 'supplyV', true);
  if (raw.currentSource !== undefined && (typeof raw.currentSource !== 'string' || raw.currentSource.length === 0))
    bad('currentSource', 'currentSource must be a non-empty string', raw.currentSource, 'the datasheet and condition of activeCurrentmA');
  strList(raw, 'sensors', 'sensors');
  const known = new Set([
    'id',
    'name',
    'aliases',
    'chip',
    'core',
    'clockMHz',
    'ramBytes',
    'flashBytes',
    'externalFlashBytes',
    'fpu',
    'dsp',
    'activeCurrentmA',
    'currentSource',
    'supplyV',
    'sensors',
    'espruino',
    'notes',
  ]);
  for (const k of Object.keys(raw)) if (!known.has(k)) bad(k, `unknown field ${JSON.stringify(k)}`, k, `one of ${[...known].join(', ')}`, 'BOARD106');
  const e = raw.espruino;
  if (e !== undefined) {
    if (!isObj(e)) bad('espruino', 'espruino section is not an object', e, 'an object', 'BOARD100');
    else {
      if (typeof e.board !== 'string' || !/^[A-Z0-9_]+$/.test(e.board))
        bad('espruino.board', 'board must be the firmware BOARD name', e.board, 'upper-case letters, digits, _');
      if (!(ESPRUINO_FAMILIES as readonly unknown[]).includes(e.family))
        bad('espruino.family', 'unknown family', e.family, `one of ${ESPRUINO_FAMILIES.join(', ')}`, 'BOARD105');
      posInt(e, 'variables', 'espruino.variables');
      if (![12, 13, 14, 16].includes(e.blockSize as number))
        bad('espruino.blockSize', 'blockSize must be 12, 13, 14 or 16', e.blockSize, '12, 13, 14 or 16', 'BOARD102');
      else if (typeof e.variables === 'number' && expectedBlockSize(e.variables) !== e.blockSize) {
        bad(
          'espruino.blockSize',
          `blockSize ${e.blockSize} does not match ${e.variables} variables`,
          e.blockSize,
          `${expectedBlockSize(e.variables)} (12 B up to 2047 variables, 13 up to 8191, 14 up to 16383, else 16)`,
          'BOARD107',
        );
      }
      bool(e, 'storageMapped', 'espruino.storageMapped');
      posInt(e, 'storageBytes', 'espruino.storageBytes');
      strList(e, 'helpers', 'espruino.helpers');
      if (e.accelerometer !== undefined) {
        const a = e.accelerometer;
        if (!isObj(a)) bad('espruino.accelerometer', 'accelerometer is not an object', a, 'an object', 'BOARD100');
        else {
          if (typeof a.api !== 'string') bad('espruino.accelerometer.api', 'api must be a string', a.api, 'a string');
          posNum(a, 'unitsPerG', 'espruino.accelerometer.unitsPerG');
          if (!Array.isArray(a.rateHz) || a.rateHz.length === 0 || a.rateHz.some((r) => typeof r !== 'number' || !(r > 0))) {
            bad('espruino.accelerometer.rateHz', 'rateHz must be a non-empty list of positive numbers', a.rateHz, 'e.g. [12.5, 26]', 'BOARD104');
          }
        }
      }
      if (typeof e.variables === 'number' && typeof e.blockSize === 'number' && typeof raw.ramBytes === 'number' && e.variables * e.blockSize > raw.ramBytes) {
        bad(
          'espruino.variables',
          `${e.variables} variables of ${e.blockSize} B exceed the RAM`,
          e.variables * e.blockSize,
          `<= ramBytes ${raw.ramBytes}`,
          'BOARD107',
        );
      }
    }
  }
  return out;
}

/** Espruino's block size for a variable count (facts: 12 B up to 2047, 13 up to 8191, 14 up to 16383, 16 above). */
export function expectedBlockSize(variables: number): number {
  return variables <= 2047 ? 12 : variables <= 8191 ? 13 : variables <= 16383 ? 14 : 16;
}

/** Parses and validates one profile (throws TinyrnnError listing every problem). */
export function parseBoard(text: string, file: string): BoardProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TinyrnnError({ code: 'BOARD002', path: '', message: `not valid JSON: ${(e as Error).message}` }, file);
  }
  const problems = boardProblems(raw);
  if (problems.length) throw new TinyrnnError(problems, file);
  return raw as BoardProfile;
}

let cache: BoardProfile[] | undefined;

/** Every profile in targets/boards, sorted by id. Validated; duplicate ids or aliases are an error. */
export function listBoards(dir = boardsDir()): BoardProfile[] {
  if (cache && dir === boardsDir()) return cache;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const boards: BoardProfile[] = [];
  const names = new Map<string, string>();
  const dup: Diagnostic[] = [];
  for (const f of files) {
    const file = path.join(dir, f);
    const b = parseBoard(fs.readFileSync(file, 'utf8'), file);
    for (const n of [b.id, ...b.aliases].map((s) => s.toLowerCase())) {
      const prev = names.get(n);
      if (prev && prev !== b.id)
        dup.push({
          code: 'BOARD108',
          path: f,
          message: `name ${JSON.stringify(n)} is used by ${prev} and ${b.id}`,
          value: n,
          expected: 'unique ids and aliases',
        });
      names.set(n, b.id);
    }
    boards.push(b);
  }
  if (dup.length) throw new TinyrnnError(dup, dir);
  boards.sort((a, b) => a.id.localeCompare(b.id));
  if (dir === boardsDir()) cache = boards;
  return boards;
}

/** Finds a board by id or alias (case-insensitive). Unknown names list what exists. */
export function findBoard(name: string, opts: { espruino?: boolean } = {}): BoardProfile {
  const boards = listBoards();
  const key = name.trim().toLowerCase();
  const b = boards.find((x) => x.id.toLowerCase() === key || x.aliases.some((a) => a.toLowerCase() === key) || x.espruino?.board.toLowerCase() === key);
  const pool = opts.espruino ? boards.filter((x) => x.espruino) : boards;
  if (!b) {
    throw new TinyrnnError({
      code: 'BOARD001',
      path: '--board',
      message: `unknown board ${JSON.stringify(name)}`,
      expected: `one of ${pool.map((x) => x.id).join(', ')}`,
      hint: 'board profiles are the JSON files in targets/boards; ids and aliases are case-insensitive',
    });
  }
  if (opts.espruino && !b.espruino) {
    throw new TinyrnnError({
      code: 'BOARD003',
      path: '--board',
      message: `${b.name} has no Espruino profile`,
      value: name,
      expected: `an Espruino board: ${pool.map((x) => x.id).join(', ')}`,
    });
  }
  return b;
}

/** The espruino section of a board that must have one. */
export function espruinoProfile(b: BoardProfile): EspruinoProfile {
  if (!b.espruino) throw new TinyrnnError({ code: 'BOARD003', path: '--board', message: `${b.name} has no Espruino profile`, value: b.id });
  return b.espruino;
}
