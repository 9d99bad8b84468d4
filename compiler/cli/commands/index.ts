// The command list, in the order `tinyrnn --help` shows them (the pipeline's order).
import { Command } from '../command';
import { inspectCommand } from './inspect';
import { runCommand } from './run';
import { demoCommand } from './demo';
import { compileCommand } from './compile';
import { importCommand } from './import';

export const COMMANDS: Command[] = [importCommand, inspectCommand, runCommand, compileCommand, demoCommand];
