// Code-generation targets known to `tinyrnn compile`. Each target adds itself here.
import { Target } from './target';
import { espruinoTarget } from './espruino';
import { cTarget } from './c';

export const TARGETS: Target[] = [cTarget, espruinoTarget];
