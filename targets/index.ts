// Code-generation targets known to `tinyrnn compile`. Each target adds itself here.
import { Target } from '../compiler/emit/target';
import { espruinoTarget } from './espruino/target';
import { cTarget } from './c/target';

export const TARGETS: Target[] = [cTarget, espruinoTarget];
