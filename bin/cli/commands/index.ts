// The command list, in the order `tinyrnn --help` shows them (the pipeline's order).
import { Command } from '../command';
import { inspectCommand } from './inspect';
import { runCommand } from './run';
import { demoCommand } from './demo';
import { compileCommand } from './compile';
import { importCommand } from './import';
import { trainCommand } from './train';
import { evalCommand } from './eval';
import { quantizeCommand } from './quantize';
import { simulateCommand } from './simulate';
import { flashCommand } from './flash';
import { searchCommand } from './search';
import { workerCommand } from './worker';

export const COMMANDS: Command[] = [
  trainCommand,
  evalCommand,
  importCommand,
  quantizeCommand,
  inspectCommand,
  runCommand,
  compileCommand,
  flashCommand,
  simulateCommand,
  searchCommand,
  workerCommand,
  demoCommand,
];
