// Code-generation targets known to `tinyrnn compile`. Each target adds itself here.
import { Target } from '../compiler/emit/target';

export const TARGETS: Target[] = [];
